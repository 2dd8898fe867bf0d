package io.raftlite.server;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Properties;

/** Facts about this process that the API reports: node id, version, start time. */
public record NodeInfo(String nodeId, String version, Instant startedAt) {

    public static String buildVersion() {
        try (InputStream in = NodeInfo.class.getResourceAsStream("/META-INF/raftlite/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
