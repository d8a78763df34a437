/**
 * The trainer's command-line verbs: {@code cordwatch train}, {@code pretrain}, {@code ensemble} and
 * {@code bench train}. The launcher (install/cordwatch) runs {@link
 * io.cordwatch.trainer.cli.TrainerMain} with the trainer's class path for these verbs only; every
 * other verb runs the appliance's {@link io.cordwatch.cli.Main}, which knows nothing of the
 * trainer.
 *
 * <p>Owns: the trainer's verbs, their options, refusals and progress lines; each verb parses and
 * checks its options and hands a finished configuration to the package that does the work.
 *
 * <p>May not touch: the appliance's serving stages ({@code io.cordwatch.receive}, {@code
 * io.cordwatch.web}, {@code io.cordwatch.store}) or the network: training reads folders and writes
 * a bundle, nothing more.
 */
package io.cordwatch.trainer.cli;
