package io.vaultml.test;

import io.vaultml.api.Detection;
import io.vaultml.api.Detector;
import io.vaultml.api.DetectorInfo;
import io.vaultml.api.Frame;
import java.util.List;

/** A {@link FakeDetector} whose batch behaviour ({@link #detectAll}) a test scripts: slow, failing, contract-breaking. */
public abstract class ScriptedDetector implements Detector {
    protected final FakeDetector fake = new FakeDetector();

    @Override
    public DetectorInfo info() {
        return fake.info();
    }

    @Override
    public List<Detection> detect(Frame frame) {
        return fake.detect(frame);
    }

    @Override
    public abstract List<List<Detection>> detectAll(List<Frame> frames);

    @Override
    public void close() {
        fake.close();
    }
}
