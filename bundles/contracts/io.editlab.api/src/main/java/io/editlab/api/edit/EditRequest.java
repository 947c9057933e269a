package io.editlab.api.edit;

import java.util.List;
import java.util.Objects;

/**
 * One fact to install: after the edit, {@code prompt} should be completed by {@code target}.
 *
 * @param id stable identifier within its data set (record index or case id)
 * @param prompt the edit prompt, e.g. "The mother tongue of Danielle Darrieux is"
 * @param target the new answer to install, without a leading space
 * @param subject the subject entity as it appears in the prompt, or {@code null} when unknown
 * @param groundTruth the true (pre-edit) answer, or {@code null} when unknown
 * @param rephrases paraphrases of the prompt that should also yield the target (generalization)
 * @param locality unrelated prompts whose answers must not change
 * @param portability consequences of the new fact, with the answers they should now have
 */
public record EditRequest(
        String id,
        String prompt,
        String target,
        String subject,
        String groundTruth,
        List<String> rephrases,
        List<Probe> locality,
        List<Probe> portability) {

    public EditRequest {
        requireText(id, "id");
        requireText(prompt, "prompt");
        requireText(target, "target");
        rephrases = rephrases == null ? List.of() : List.copyOf(rephrases);
        locality = locality == null ? List.of() : List.copyOf(locality);
        portability = portability == null ? List.of() : List.copyOf(portability);
    }

    /** A request with only the fact itself. */
    public static EditRequest of(String id, String prompt, String target) {
        return new EditRequest(id, prompt, target, null, null, List.of(), List.of(), List.of());
    }

    private static void requireText(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
    }
}
