package io.editlab.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GridFileTest {

    private static Grid parse(String json) {
        return GridFile.parse(json, "g.json", "g");
    }

    private static String error(String json) {
        return assertThrows(GridFileException.class, () -> parse(json)).getMessage();
    }

    @Test
    void cellsAreTheProductInAFixedOrderWithSeedsFastest() {
        Grid grid = parse(
                """
                {"name": "frontier", "editors": ["grace", {"method": "memit", "label": "memit-l3", "config": {"layers": 3}}],
                 "variants": {"file": {}, "shuffled": {"order": "shuffle", "config": {"memit-l3.lambda": "200"}}},
                 "bench": {"checkpoint": 10, "generation": false},
                 "data": ["builtin", {"path": "cf.json", "format": "counterfact"}],
                 "edits": [20, 40], "batch": [1, 5], "seeds": [1, 2]}
                """);
        // 1 model x 2 data x 2 edits x 2 batch x 1 eval x 2 variants x 2 editors x 2 seeds
        assertEquals(64, grid.cells().size());
        assertEquals("frontier", grid.name());
        Cell first = grid.cells().get(0);
        assertEquals(
                List.of(0, "grace", "file", "builtin", 20, 1, 1L),
                List.of(
                        first.index(),
                        first.editor(),
                        first.variant(),
                        first.data(),
                        first.edits(),
                        first.batch(),
                        first.seed()));
        assertEquals(2L, grid.cells().get(1).seed()); // seeds vary fastest
        assertEquals("memit-l3", grid.cells().get(2).editor()); // then editors
        assertEquals("shuffled", grid.cells().get(4).variant()); // then variants
        Cell shuffled = grid.cells().get(6);
        assertEquals(Map.of("layers", "3", "lambda", "200"), shuffled.config());
        assertEquals(Map.of("checkpoint", "10", "generation", "false", "order", "shuffle"), shuffled.options());
        assertEquals(5, grid.cells().get(8).batch()); // then batch
        assertEquals(40, grid.cells().get(16).edits()); // then edits
        Cell last = grid.cells().get(63);
        assertEquals(
                List.of("cf.json", "counterfact", 40, 5, "memit-l3", "shuffled", 2L),
                List.of(
                        last.data(),
                        last.format(),
                        last.edits(),
                        last.batch(),
                        last.editor(),
                        last.variant(),
                        last.seed()));
        for (int i = 0; i < grid.cells().size(); i++) {
            assertEquals(i, grid.cells().get(i).index());
        }
        assertEquals(
                List.of(
                        "--model",
                        "builtin",
                        "--data",
                        "cf.json",
                        "--format",
                        "counterfact",
                        "--editors",
                        "memit",
                        "--edits",
                        "40",
                        "--batch",
                        "5",
                        "--eval",
                        "final",
                        "--seed",
                        "2",
                        "--checkpoint",
                        "10",
                        "--generation",
                        "false",
                        "--order",
                        "shuffle",
                        "--config",
                        "memit.lambda=200",
                        "--config",
                        "memit.layers=3"),
                last.benchArguments());
    }

    @Test
    void anAppendedModelKeepsEveryEarlierIndex() {
        String lists = "\"editors\": [\"grace\", \"memit\"], \"edits\": [4, 8], \"seeds\": [1, 2]";
        Grid before = parse("{" + lists + "}");
        Grid after = parse("{" + lists + ", \"models\": [\"builtin\", \"/models/gpt2\"]}");
        assertEquals(before.cells(), after.cells().subList(0, before.cells().size()));
        assertEquals(16, after.cells().size());
        assertEquals("/models/gpt2", after.cells().get(8).model());
    }

    @Test
    void defaultsAreOneBuiltinRunOfEachEditor() {
        Cell cell = parse("{\"editors\": [\"grace\"], \"edits\": [10]}").cells().get(0);
        assertEquals(
                List.of("builtin", "builtin", 1, "final", 7L, "default"),
                List.of(cell.model(), cell.data(), cell.batch(), cell.eval(), cell.seed(), cell.variant()));
        assertNull(cell.format());
        assertEquals("g", parse("{\"editors\": [\"grace\"], \"edits\": [10]}").name());
    }

    @Test
    void errorsNameTheFileAndTheKey() {
        assertEquals(
                "g.json: editors: is required: a list of method ids or {\"method\": ..., \"config\": {...}}",
                error("{\"edits\": [1]}"));
        assertEquals("g.json: edits: is required", error("{\"editors\": [\"grace\"]}"));
        assertTrue(error("{\"editors\": [\"grace\"], \"edits\": [1], \"seed\": [1]}")
                .startsWith("g.json: seed: unknown key (expected one of ["));
        assertEquals(
                "g.json: edits[1]: must be a whole number of at least 1",
                error("{\"editors\": [\"grace\"], \"edits\": [4, 0]}"));
        assertEquals("g.json: edits: must be a list, e.g. [200]", error("{\"editors\": [\"grace\"], \"edits\": 4}"));
        assertEquals(
                "g.json: editors[1].config.lambda: must be a string, number or boolean",
                error(
                        "{\"editors\": [\"grace\", {\"method\": \"memit\", \"config\": {\"lambda\": [1]}}], \"edits\": [4]}"));
        assertEquals(
                "g.json: editors[1].method: is required",
                error("{\"editors\": [\"grace\", {\"label\": \"x\"}], \"edits\": [4]}"));
        assertEquals(
                "g.json: editors[1]: repeats an earlier entry",
                error("{\"editors\": [\"grace\", \"grace\"], \"edits\": [4]}"));
        assertTrue(error("{\"editors\": [\"grace\", {\"method\": \"grace\", \"config\": {\"x\": 1}}], \"edits\": [4]}")
                .startsWith("g.json: editors[1]: label 'grace' is used twice"));
        assertEquals(
                "g.json: eval[0]: must be \"final\" or \"each\", not \"every\"",
                error("{\"editors\": [\"grace\"], \"edits\": [4], \"eval\": [\"every\"]}"));
        assertEquals(
                "g.json: seeds[1]: repeats an earlier entry",
                error("{\"editors\": [\"grace\"], \"edits\": [4], \"seeds\": [1, 1]}"));
        assertEquals(
                "g.json: batch[0]: batch 8 is larger than the stream length 4 in edits",
                error("{\"editors\": [\"grace\"], \"edits\": [4, 10], \"batch\": [8]}"));
        assertTrue(error(
                        "{\"editors\": [\"grace\"], \"edits\": [4], \"variants\": {\"v\": {\"config\": {\"memit.l\": 1}}}}")
                .startsWith(
                        "g.json: variants.v.config.memit.l: must be EDITOR.KEY with an editor of this grid [grace]"));
        assertTrue(error("{\"editors\": [\"grace\"], \"edits\": [4], \"bench\": {\"config\": {}}}")
                .startsWith("g.json: bench.config: unknown key (expected [checkpoint"));
        assertEquals(
                "g.json: data[0].path: is required",
                error("{\"editors\": [\"grace\"], \"edits\": [4], \"data\": [{\"format\": \"zsre\"}]}"));
        assertEquals(
                "g.json: editors[0]: 'a b' is not a name (letters, digits, '.', '_', '-'; at most 64)",
                error("{\"editors\": [\"a b\"], \"edits\": [4]}"));
        assertTrue(error("{\"editors\": [\"grace\"], \"edits\": [4],}").startsWith("g.json: not valid JSON: "));
        assertTrue(error("[1]").startsWith("g.json: the document: must be an object"));
        assertEquals("g.json: empty", error(""));
    }

    @Test
    void tooManyCellsAreRefusedBeforeAnyIsMade() {
        String seeds = java.util.stream.IntStream.range(0, 400)
                .mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(","));
        String edits = java.util.stream.IntStream.range(1, 300)
                .mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(","));
        assertEquals(
                "g.json: 119600 cells, more than 100000; split the grid",
                error("{\"editors\": [\"grace\"], \"edits\": [" + edits + "], \"seeds\": [" + seeds + "]}"));
    }

    /** The grids the README runs (examples/): they plan, with the cells the README counts. */
    @Test
    void theExampleGridsPlan() throws Exception {
        assertEquals(
                20,
                GridFile.read(java.nio.file.Path.of("examples/side-by-side-t200.json"))
                        .cells()
                        .size());
        assertEquals(
                10,
                GridFile.read(java.nio.file.Path.of("examples/side-by-side-t200-each.json"))
                        .cells()
                        .size());
        Grid long1000 = GridFile.read(java.nio.file.Path.of("examples/side-by-side-t1000.json"));
        assertEquals(10, long1000.cells().size());
        assertEquals("results/side-by-side-t1000", long1000.out());
    }

    @Test
    void longStreamsRunFromAGrid() {
        Grid grid = parse(
                """
                {"editors": ["grace"], "models": ["builtin:3400"], "data": ["builtin:3400"], "edits": [20400],
                 "batch": [100], "bench": {"stream": "reedit:2", "curve-sample": 1000, "collapse-floor": 0.3}}
                """);
        List<String> args = grid.cells().get(0).benchArguments();
        assertEquals(List.of("--model", "builtin:3400", "--data", "builtin:3400"), args.subList(0, 4));
        String joined = String.join(" ", args);
        assertTrue(joined.contains("--stream reedit:2"), joined);
        assertTrue(joined.contains("--curve-sample 1000"), joined);
        assertTrue(joined.contains("--collapse-floor 0.3"), joined);
    }
}
