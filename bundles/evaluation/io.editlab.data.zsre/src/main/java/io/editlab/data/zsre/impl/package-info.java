/**
 * The zsRE {@code DatasetReader} (format id {@code zsre}): reads MEND/ROME-layout zsRE JSON files. Private to the
 * bundle; it exports nothing and only registers the service.
 */
package io.editlab.data.zsre.impl;
