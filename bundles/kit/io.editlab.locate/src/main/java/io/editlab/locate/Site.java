package io.editlab.locate;

import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.model.Completion;
import io.editlab.api.model.Tokenizer;

/**
 * A text to run through the model and the token position, counted in {@link Tokenizer#encode} of its
 * prompt (start token included), where an editor reads keys or writes a value. The forward pass sees
 * the prompt and the target; the first target row is at {@code position} when it is the prompt's last
 * token.
 */
public record Site(Completion text, int position) {

    /** The prompt KL regularisation reads: the subject followed by these words (ROME's choice). */
    static final String DESCRIPTION = " is a";

    /**
     * The site of {@code request} behind {@code prefix} (empty, or a generated context ending in a
     * space): its prompt, answered by its target.
     *
     * @throws EditException when the position is the subject's and the request has no subject, or its
     *     prompt does not contain it
     */
    public static Site of(Tokenizer tokenizer, String prefix, EditRequest request, KeyPosition where, String method)
            throws EditException {
        String text = prefix + request.prompt();
        int end = where == KeyPosition.LAST ? text.length() : prefix.length() + subjectEnd(request, method);
        return new Site(new Completion(text, request.target()), tokenizer.encode(text.substring(0, end)).length - 1);
    }

    /**
     * Where KL regularisation reads the model's prediction: "{subject} is a" at the subject's last token,
     * or at its last token for {@link KeyPosition#LAST}. The forward pass's first row of this site is
     * that position.
     */
    public static Site description(Tokenizer tokenizer, EditRequest request, KeyPosition where, String method)
            throws EditException {
        String subject = subject(request, method);
        Completion text = where == KeyPosition.LAST
                ? new Completion(subject + DESCRIPTION, request.target())
                : new Completion(subject, DESCRIPTION.strip());
        return new Site(text, tokenizer.encode(text.prompt()).length - 1);
    }

    private static int subjectEnd(EditRequest request, String method) throws EditException {
        String subject = subject(request, method);
        int at = request.prompt().indexOf(subject);
        if (at < 0) {
            throw new EditException(method + ": request '" + request.id() + "': its subject '" + subject
                    + "' does not occur in its prompt '" + request.prompt() + "'; set keyPosition=last to edit"
                    + " at the prompt's last token");
        }
        return at + subject.length();
    }

    private static String subject(EditRequest request, String method) throws EditException {
        if (request.subject() == null || request.subject().isBlank()) {
            throw new EditException(method + ": request '" + request.id() + "' has no subject; the subject's last"
                    + " token is where this editor reads keys (or set keyPosition=last)");
        }
        return request.subject().strip();
    }
}
