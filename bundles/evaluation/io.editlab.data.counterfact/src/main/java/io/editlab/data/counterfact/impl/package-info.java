/**
 * The CounterFact {@code DatasetReader} (format id {@code counterfact}): reads EasyEdit- and ROME-layout
 * CounterFact JSON files. Private to the bundle; it exports nothing and only registers the service.
 */
package io.editlab.data.counterfact.impl;
