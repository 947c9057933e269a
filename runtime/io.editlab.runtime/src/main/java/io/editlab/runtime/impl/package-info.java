/** The runtime's private implementation: engine start-up, checkpoint loading, sessions. */
package io.editlab.runtime.impl;
