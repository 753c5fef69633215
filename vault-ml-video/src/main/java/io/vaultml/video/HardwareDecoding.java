package io.vaultml.video;

/** Whether to decode on the GPU (NVDEC). */
public enum HardwareDecoding {
    /** Always the CPU decoder. */
    NONE,
    /** NVDEC ({@code h264_cuvid}, {@code hevc_cuvid}) when it opens, else the CPU decoder, with a warning once. */
    AUTO,
    /** NVDEC or fail the recording. */
    CUDA
}
