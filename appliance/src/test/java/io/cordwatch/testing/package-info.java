/**
 * Helpers the appliance's tests share: a clock moved by hand, polling with a deadline, the peers
 * switch, and the architecture checks ({@link io.cordwatch.testing.PackageGraphs}, {@link
 * io.cordwatch.testing.PackageInfos}), which the trainer's tests take from the appliance's test
 * jar. Test code only; nothing in main depends on it.
 */
package io.cordwatch.testing;
