/**
 * Self-supervised pretraining of the backbone on unlabelled slices (issue 12: no ImageNet weights
 * can be downloaded here): SimCLR-style contrastive learning, two augmented views of each canal-box
 * crop pulled together and pushed away from every other crop of the batch by the NT-Xent loss
 * ({@link io.cordwatch.trainer.pretrain.NtXent}) through a small projection head that is discarded
 * afterwards ({@link io.cordwatch.trainer.pretrain.ProjectionHead}); the views ({@link
 * io.cordwatch.trainer.pretrain.Views}); the epoch loop with progress, curves and per-epoch
 * checkpoints ({@link io.cordwatch.trainer.pretrain.Pretraining}); and the pretrained-backbone file
 * that {@code train --init-backbone} starts from ({@link
 * io.cordwatch.trainer.pretrain.BackboneFile}).
 *
 * <p>Owns: the contrastive objective, the projection head, the view augmentation's settings, the
 * backbone file format. Uses the supervised run's optimiser, schedule and checkpoint format
 * (package train) and the dataset's crops (package dataset). Grades are never used: the loader
 * reads the label file for its canal boxes, and nothing here calls {@code Dataset.label}.
 *
 * <p>May not touch: the supervised objective and loop ({@code io.cordwatch.trainer.train.Losses},
 * {@code io.cordwatch.trainer.train.TrainingRun}; it shares only the optimiser, its parameter
 * groups, the schedule and the checkpoint format), the bundle ({@code io.cordwatch.trainer.export},
 * {@code io.cordwatch.infer.Bundles}), the localizer ({@code io.cordwatch.trainer.localizer}) or
 * the command line ({@code io.cordwatch.trainer.cli}).
 */
package io.cordwatch.trainer.pretrain;
