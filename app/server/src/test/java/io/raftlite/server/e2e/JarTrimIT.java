package io.raftlite.server.e2e;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shade filters that trim libraries (every {@code <filter>} in this module's pom for a named artifact) remove
 * what they say, and nothing a class left in {@code raftlite.jar} names: no class reference, no type in a
 * descriptor, no class name as a string (reflection), no resource path or file name as a string. A filter whose
 * artifact is misspelt leaves its entries in the jar; one that cuts too deep leaves a dangling name. Both fail here.
 */
class JarTrimIT {

    private static final Pattern DESCRIPTOR_TYPE = Pattern.compile("L([A-Za-z_$][\\w$]*(?:/[\\w$]+)+);");
    private static final Pattern DOTTED_NAME = Pattern.compile("[a-z]\\w*(?:\\.[\\w$]+)+");

    /**
     * Names of a removed entry that a kept class may hold, each with why that is harmless. Keys are entry patterns
     * (regex), values the referring classes allowed (regex).
     */
    private static final Map<String, String> KNOWN_NAMERS = Map.of(
            // Picnic's engine reads its LowMC tables when it signs; Picnic is a withdrawn post-quantum signature
            // that only Bouncy Castle's PQC provider offers, and raftlite registers no Bouncy Castle provider.
            "org/bouncycastle/pqc/legacy/picnic/lowmcL[135]\\.bin\\.properties",
            "org/bouncycastle/pqc/legacy/picnic/LowmcConstantsL[135]");

    @Test
    void trimmedEntriesAreGoneAndNothingKeptNamesThem() throws Exception {
        List<Pattern> removed = trimPatterns(Path.of("pom.xml"));
        assertTrue(removed.size() >= 10, "the pom's trimming filters: " + removed);
        Path jar = Path.of(System.getProperty("raftlite.jar", "target/raftlite.jar"));
        Set<String> stillThere = new TreeSet<>();
        List<String> dangling = new ArrayList<>();
        int classes = 0;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (matchesAny(removed, name)) {
                    stillThere.add(name);
                }
            }
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                classes++;
                String self = entry.getName().replaceFirst("^META-INF/versions/\\d+/", "");
                String dir = self.substring(0, self.lastIndexOf('/') + 1);
                for (String named : namesIn(zip.getInputStream(entry).readAllBytes(), dir)) {
                    if (matchesAny(removed, named) && !known(named, self)) {
                        dangling.add(self + " names " + named);
                    }
                }
            }
        }
        assertTrue(classes > 10_000, "read " + classes + " classes from " + jar);
        try (ZipFile zip = new ZipFile(jar.toFile())) { // the platforms README's "Install on a host" promises
            for (String platform : List.of("Linux/x86_64", "Linux/aarch64", "Linux/ppc64", "Linux-Musl/x86_64",
                    "Linux-Musl/aarch64")) {
                String lib = "org/sqlite/native/" + platform + "/libsqlitejdbc.so";
                assertTrue(zip.getEntry(lib) != null, lib + " is missing from " + jar);
            }
        }
        assertEquals(Set.of(), stillThere, "entries the pom's filters should have removed");
        assertEquals(List.of(), dangling, "removed entries that a class left in the jar names");
    }

    @Test
    void theNameScannerSeesEachKindOfName() throws Exception {
        // This class names ZipFile and Element by reference (a call, a cast), REFLECTED as a class name and its own
        // field KNOWN_NAMERS as a string beside it.
        Set<String> names = namesIn(Files.readAllBytes(
                Path.of("target/test-classes/io/raftlite/server/e2e/JarTrimIT.class")), "io/raftlite/server/e2e/");
        assertTrue(names.contains("java/util/zip/ZipFile.class"), names.toString());
        assertTrue(names.contains("org/w3c/dom/Element.class"), names.toString());
        assertTrue(names.contains(REFLECTED.replace('.', '/') + ".class"), names.toString());
        assertTrue(names.contains("io/raftlite/server/e2e/KNOWN_NAMERS"), names.toString());
        assertFalse(names.contains(String.join("/", "java", "util", "zip", "GZIPInputStream.class")), names.toString());
    }

    private static final String REFLECTED = "com.google.type.Date";

    /** The exclude patterns of the module's shade filters for named artifacts (not {@code *:*}), as regexes. */
    private static List<Pattern> trimPatterns(Path pom) throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        NodeList filters = doc.getElementsByTagName("filter");
        List<Pattern> out = new ArrayList<>();
        for (int i = 0; i < filters.getLength(); i++) {
            Element filter = (Element) filters.item(i);
            String artifact = filter.getElementsByTagName("artifact").item(0).getTextContent().strip();
            if (artifact.equals("*:*")) {
                continue;
            }
            NodeList excludes = filter.getElementsByTagName("exclude");
            for (int j = 0; j < excludes.getLength(); j++) {
                out.add(glob(excludes.item(j).getTextContent().strip()));
            }
        }
        return out;
    }

    /** The shade plugin's pattern language: {@code **} any path, {@code *} within one path element. */
    private static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                re.append(".*");
                i++;
            } else if (c == '*') {
                re.append("[^/]*");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    private static boolean matchesAny(List<Pattern> patterns, String name) {
        return patterns.stream().anyMatch(p -> p.matcher(name).matches());
    }

    private static boolean known(String named, String referrer) {
        String cls = referrer.substring(0, referrer.length() - ".class".length());
        return KNOWN_NAMERS.entrySet().stream()
                .anyMatch(k -> named.matches(k.getKey()) && cls.matches(k.getValue()));
    }

    /**
     * Every entry a class file names: its constant pool's classes and the types in its descriptors and signatures
     * (as {@code a/b/C.class}), and each string that reads as a dotted class name (also as {@code a/b/C.class}),
     * as a resource path, or as a file name beside the class ({@code dir} + the string).
     */
    static Set<String> namesIn(byte[] classFile, String dir) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> classes = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++;
                }
                case 7 -> classes.add(in.readUnsignedShort());
                case 8, 16, 19, 20 -> in.readUnsignedShort();
                case 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException("constant pool tag " + tag);
            }
        }
        Set<String> out = new HashSet<>();
        for (int index : classes) {
            if (!utf8[index].startsWith("[")) {
                out.add(utf8[index] + ".class");
            }
        }
        for (String s : utf8) {
            if (s == null) {
                continue;
            }
            Matcher types = DESCRIPTOR_TYPE.matcher(s);
            while (types.find()) {
                out.add(types.group(1) + ".class");
            }
            if (DOTTED_NAME.matcher(s).matches()) {
                out.add(s.replace('.', '/') + ".class");
            }
            if (!s.isEmpty() && s.length() < 300 && !s.contains(" ")) {
                String path = s.startsWith("/") ? s.substring(1) : s;
                out.add(path);
                out.add(dir + path);
            }
        }
        return out;
    }
}
