package io.vaultml.api;

import java.util.List;

/**
 * No provider could be selected: the named one does not exist, none is available, or two share a name. The
 * message lists what was tried and why each candidate was rejected.
 */
public class ProviderNotFoundException extends ConfigException {
    private static final long serialVersionUID = 1L;

    public ProviderNotFoundException(String problem) {
        super(List.of(problem));
    }
}
