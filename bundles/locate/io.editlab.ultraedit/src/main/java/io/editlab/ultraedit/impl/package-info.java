/** The UltraEdit editing method: its component, configuration, presets, running statistics and editor. */
package io.editlab.ultraedit.impl;
