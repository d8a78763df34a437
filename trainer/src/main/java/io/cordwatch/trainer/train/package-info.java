/**
 * The training of the prototypical network: the study's objective on DJL arrays ({@link
 * io.cordwatch.trainer.train.Losses}: class-weighted cross-entropy over -d/T, compact
 * regularisation, virtual adversarial loss in embedding space), the backbone plus learnable
 * prototypes ({@link io.cordwatch.trainer.train.ProtoNet}), SGD with momentum and weight decay in
 * two learning-rate groups with checkpointable state ({@link io.cordwatch.trainer.train.Sgd}), the
 * epoch loop with validation, progress and per-epoch checkpoints ({@link
 * io.cordwatch.trainer.train.TrainingRun}, {@link io.cordwatch.trainer.train.Checkpoint}), the
 * curves file and epoch lines it writes ({@link io.cordwatch.trainer.train.TrainingCurves}), the
 * stop of a run whose loss blows up ({@link io.cordwatch.trainer.train.DivergenceGuard}) after one
 * restart of the epoch from its checkpoint ({@link io.cordwatch.trainer.train.EpochRestart}, shared
 * with pretraining: a one-off numerical fault does not come back), and scoring with the appliance's
 * statistics ({@link io.cordwatch.trainer.train.Scores}).
 *
 * <p>Owns: the loss, the optimiser, the loop, checkpoint format, the curves file.
 *
 * <p>May not touch: the bundle ({@code io.cordwatch.trainer.export} writes it from a finished run,
 * through the appliance's {@code io.cordwatch.infer.Bundles}), pretraining ({@code
 * io.cordwatch.trainer.pretrain} builds on this package, not the other way), the localizer ({@code
 * io.cordwatch.trainer.localizer}) or the command line ({@code io.cordwatch.trainer.cli}). It reads
 * crops from package dataset and builds the network from package model, never changing either.
 */
package io.cordwatch.trainer.train;
