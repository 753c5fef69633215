package io.vaultml.worker;

import io.vaultml.api.Detection;
import io.vaultml.api.Detector;
import io.vaultml.api.DetectorInfo;
import io.vaultml.api.Frame;
import io.vaultml.test.FakeDetector;
import java.util.List;

/** A {@link FakeDetector} whose batch behaviour ({@link #detectAll}) a test scripts: slow, failing, contract-breaking. */
abstract class ScriptedDetector implements Detector {
    final FakeDetector fake = new FakeDetector();

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
