/** The built-in world's private implementation: the world generator and the {@code builtin} corpus service. */
package io.editlab.world.impl;
