/** ELDER's top-k router, registered as {@code editlab.router=elder-topk}. */
package io.editlab.elder.router.impl;
