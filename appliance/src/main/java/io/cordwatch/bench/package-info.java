/**
 * Benchmarks against peers run in the same process or by the same script: {@code cordwatch bench
 * ingest} (C-STORE ingest against DCMTK storescp and Orthanc, over one and four associations),
 * {@code bench load} (one appliance under concurrent senders, slow-loris sockets and HTTP polling,
 * against the same sender unloaded, with correctness checks that set its exit status), {@code bench
 * grade} (the grading path against raw ONNX Runtime on the same tensors, and
 * last-instance-to-verdict latency), {@code bench fused} (the CPU path against the fused kernel
 * pipeline's host build). Each prints its figures as ratios against the peer, with the machine they
 * ran on. {@code bench faults} ({@link io.cordwatch.bench.FaultBench}) is the fault bench: a {@code
 * cordwatch serve} child killed with SIGKILL during receive, grading and export and restarted,
 * forwarding to DCMTK {@code dcmqrscp} (or {@code storescp}); it prints where the kills landed and
 * {@link io.cordwatch.bench.FaultChecks}' verdict on what survived (a check, not a timing). {@code
 * bench train} is the trainer's (io.cordwatch.trainer.cli).
 *
 * <p>Owns: the benchmark commands, their run arrangement and report tables, and the order
 * statistics they report ({@link io.cordwatch.bench.BenchStats}). Nothing in the product imports
 * this package except the CLI, which registers {@code bench}; the tests run the benches' refusals
 * and arithmetic, {@code ingest} and {@code load} once at a tiny size for what they stored and
 * graded, and {@code bench faults} with a few cycles (its checks are outcomes, not timings), never
 * a timing.
 *
 * <p>May not touch: pipeline logic. A benchmark drives the stages through their public APIs (an
 * in-process appliance, the series grader, the engines) and never re-implements a stage, so it
 * measures the product: it sends DICOM and HTTP from outside as a site would (DCMTK tools, the
 * JDK's HTTP client), never through {@code io.cordwatch.receive}, {@code io.cordwatch.web} or
 * {@code io.cordwatch.publish}.
 */
package io.cordwatch.bench;
