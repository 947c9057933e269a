/**
 * LEMoE's KV-anchor router, registered as {@code editlab.router=kv-anchor}. Private implementation:
 * the bundle exports nothing and registers an {@link io.editlab.api.route.Router} service.
 */
package io.editlab.lemoe.router.impl;
