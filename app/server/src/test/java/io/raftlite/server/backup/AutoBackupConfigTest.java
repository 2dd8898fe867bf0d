package io.raftlite.server.backup;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AutoBackupConfigTest {

    private static AutoBackupConfig parse(String json) {
        return AutoBackupConfig.parse(json, Map.of("BK", "/srv/bk")::get);
    }

    private static String refusal(String json) {
        return assertThrows(IllegalArgumentException.class, () -> parse(json)).getMessage();
    }

    @Test
    void rqlitesFileConfigWithItsDefaultsAndEnvironmentExpansion() {
        AutoBackupConfig c = parse("{\"version\":1,\"type\":\"file\",\"interval\":\"5m\","
                + "\"sub\":{\"dir\":\"${BK}/x\",\"name\":\"db.gz\"}}");
        assertEquals(Duration.ofMinutes(5), c.interval());
        assertEquals(Path.of("/srv/bk/x"), c.dir());
        assertEquals("db.gz", c.name());
        assertTrue(c.compress(), "gzip unless no_compress");
        assertFalse(c.vacuum());
        assertFalse(c.timestamp());
        AutoBackupConfig n = parse("{\"type\":\"file\",\"interval\":1000000000,\"no_compress\":true,\"vacuum\":true,"
                + "\"timestamp\":true,\"sub\":{\"dir\":\"$BK\",\"name\":\"db\"}}");
        assertEquals(Duration.ofSeconds(1), n.interval(), "a number is nanoseconds, as Go's");
        assertFalse(n.compress());
        assertTrue(n.vacuum() && n.timestamp());
    }

    @Test
    void s3AndGcsAreRefusedWithoutEchoingCredentials() {
        String s3 = refusal("{\"type\":\"s3\",\"interval\":\"5m\",\"sub\":{\"secret_access_key\":\"SECRET\"}}");
        assertEquals("type s3 is not supported: no S3 server to test against here; use type file", s3);
        assertTrue(refusal("{\"type\":\"gcs\",\"interval\":\"5m\",\"sub\":{}}").contains("no GCS server"));
    }

    @Test
    void whatRqliteRefusesIsRefused() {
        String sub = ",\"sub\":{\"dir\":\"/b\",\"name\":\"n\"}}";
        assertTrue(refusal("{\"version\":2,\"type\":\"file\",\"interval\":\"5m\"" + sub).contains("invalid version"));
        assertTrue(refusal("{\"type\":\"ftp\",\"interval\":\"5m\"" + sub).contains("unsupported storage type"));
        assertTrue(refusal("{\"type\":\"file\"" + sub).contains("invalid interval"));
        assertTrue(refusal("{\"type\":\"file\",\"interval\":\"0s\"" + sub).contains("invalid interval"));
        assertTrue(refusal("{\"type\":\"file\",\"interval\":\"soon\"" + sub).startsWith("interval: "));
        assertTrue(refusal("{\"type\":\"file\",\"interval\":\"5m\",\"sub\":{\"dir\":\"rel\",\"name\":\"n\"}}")
                .contains("must be absolute"));
        assertTrue(refusal("{\"type\":\"file\",\"interval\":\"5m\",\"sub\":{\"dir\":\"/b\",\"name\":\"../n\"}}")
                .contains("invalid file parameter"));
        assertTrue(refusal("{\"type\":\"file\",\"interval\":\"5m\",\"intreval\":1" + sub).contains("unknown key 'intreval'"));
        assertTrue(refusal("{\"type\":\"file\",\"interval\":\"5m\",\"vacuum\":\"yes\"" + sub).contains("vacuum must be"));
        assertTrue(refusal("[1]").contains("JSON object"));
        assertTrue(refusal("{").startsWith("not valid JSON"));
    }
}
