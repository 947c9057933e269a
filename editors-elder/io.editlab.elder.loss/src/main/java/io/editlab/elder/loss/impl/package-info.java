/** ELDER's guided loss, registered as {@code editlab.loss=elder-guided}. */
package io.editlab.elder.loss.impl;
