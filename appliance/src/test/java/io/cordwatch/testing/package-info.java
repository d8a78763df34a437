/**
 * Helpers the appliance's tests share: a clock moved by hand, polling with a deadline, the peers
 * switch. Test code only; nothing in main depends on it.
 */
package io.cordwatch.testing;
