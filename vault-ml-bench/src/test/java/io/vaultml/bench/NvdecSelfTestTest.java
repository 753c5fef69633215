package io.vaultml.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.test.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The NVDEC self-test's CPU half, as CI runs it; its GPU half runs where the machine has an NVIDIA driver and skips with a reason elsewhere. */
class NvdecSelfTestTest {

    @Test
    void theCpuHalfDecodesEveryFrameAndTheGpuHalfRunsOrSaysWhyNot() throws Exception {
        String h264 = TestData.require("videos/kerberos/1700000400_1-0_office_300-50-250-380_12_0.mp4").toString();
        String hevc = TestData.require("videos/kerberos/1700000200_2-40_pedestrians_100-100-500-400_18_0.mp4")
                .toString();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = NvdecSelfTest.run(new String[] {"--seconds", "0.5", "--threads", "1", h264, hevc},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, out);
        assertTrue(out.matches("(?s).*cpu: \\d+ recordings, \\d+ frames in [0-9.]+ s on 1 threads: \\d+ frames/s "
                + "\\(decoders h264(, hevc)?\\).*"), out);
        // Where the machine has an NVIDIA driver the GPU half must really decode on NVDEC; elsewhere it must say why
        // it did not run. Each machine expects one outcome.
        if (java.nio.file.Files.exists(java.nio.file.Path.of("/dev/nvidiactl"))) {
            assertTrue(out.contains("NVDEC used: yes"), out);
        } else {
            assertTrue(out.contains("gpu: skipped, NVDEC is not usable here: "), out);
            assertTrue(!out.contains("NVDEC used: yes"), out);
        }
    }

    @Test
    void badArgumentsAreExit2() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(2, NvdecSelfTest.run(new String[] {"--threads", "0", "x.mp4"}, new PrintStream(bytes)));
        assertEquals(2, NvdecSelfTest.run(new String[0], new PrintStream(bytes)));
    }
}
