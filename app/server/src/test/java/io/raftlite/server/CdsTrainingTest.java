package io.raftlite.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The AppCDS training run (what {@code raftlite --make-cds-archive} runs under {@code -XX:ArchiveClassesAtExit}):
 * it must start a node, get a 200 from every request it makes, stop it, and leave no directory behind. The
 * launcher keeps an archive only when the run exits 0, so a run that fails here would mean no archive.
 */
class CdsTrainingTest {

    private static final String HOST = "127.0.0.173";

    @Test
    void servesEveryRequestAndLeavesNothingBehind() throws Exception {
        List<Path> before = trainingDirs();
        CdsTraining.run(HOST);
        assertEquals(before, trainingDirs(), "the training run's temporary directory is deleted");
    }

    private static List<Path> trainingDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("raftlite-cds")).sorted().toList();
        }
    }
}
