package io.editlab.api.train;

import io.editlab.api.edit.ProgressListener;
import io.editlab.api.model.Completion;
import io.editlab.api.model.ModelException;
import java.nio.file.Path;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Trains a new model from scratch on facts and writes it in Hugging Face layout ({@code
 * config.json}, {@code model.safetensors}, {@code tokenizer.json}), ready for {@code
 * ModelRuntime.load}. This is how EditLab makes models that know a corpus before it is edited.
 */
@ProviderType
public interface Pretrainer {

    /**
     * Trains on {@code facts} (loss on the target tokens) until they are known or the epochs run out.
     * The output folder is written completely or not at all. A run that was stopped (killed,
     * interrupted) goes on from its last finished epoch when started again with the same spec, facts
     * and vocabulary into the same output folder; its state is kept beside it, in {@code
     * <output>.partial}.
     *
     * @param facts the completions to learn; their words form the model's vocabulary
     * @param vocabulary further texts whose words join the vocabulary without being trained on: the
     *     new targets of later edits, which the model must be able to write
     * @param output the folder to create; must not exist yet
     * @throws ModelException when training diverges or the folder cannot be written
     */
    PretrainingReport pretrain(
            PretrainingSpec spec,
            List<Completion> facts,
            List<String> vocabulary,
            Path output,
            ProgressListener progress)
            throws ModelException;
}
