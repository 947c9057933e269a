package io.editlab.api.model;

import org.osgi.annotation.versioning.ProviderType;

/** An adapter hooked into a session. Closing it unhooks the adapter. */
@ProviderType
public interface AdapterRegistration extends AutoCloseable {

    String module();

    Adapter adapter();

    @Override
    void close();
}
