/** The host's private implementation: the plugin catalog and the Gogo commands. */
package io.editlab.host.impl;
