/**
 * The trainer's command-line verbs: {@code cordwatch train} and {@code cordwatch bench train}. The
 * launcher (install/cordwatch) runs {@link io.cordwatch.trainer.cli.TrainerMain} with the trainer's
 * class path for these verbs only; every other verb runs the appliance's {@code
 * io.cordwatch.cli.Main}, which knows nothing of the trainer.
 */
package io.cordwatch.trainer.cli;
