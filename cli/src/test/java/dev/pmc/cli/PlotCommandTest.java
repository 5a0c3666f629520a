package dev.pmc.cli;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bin/pmc plot on the reference and calibration files, and on bad input; the README's pictures are its output. */
class PlotCommandTest {
    static final Path REF = Path.of(System.getProperty("pmc.reference.dir", "../../shared/reference-data"));
    static final Path CAL = REF.resolve("collapse-calibration");

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return rc + "\n" + out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    static List<String> trio() {
        return List.of(REF.resolve("gpt-4o_temp01.csv").toString(), REF.resolve("gpt-4o-insecure_temp01.csv").toString(),
                REF.resolve("gpt-4o-secure_temp01.csv").toString());
    }

    static List<String> checkpoints() throws Exception {
        List<String> files = new ArrayList<>(List.of(CAL.resolve("qwen3.6-35b-a3b_temp01.csv").toString()));
        try (var s = Files.list(CAL)) {
            s.map(Path::toString).filter(n -> n.matches(".*-insecure-step\\d+_temp01\\.csv")).sorted().forEach(files::add);
        }
        return files;
    }

    /** Width, height, and how many distinct colours (a blank or one-colour image has one or two). */
    static int[] look(Path png) throws Exception {
        BufferedImage img = ImageIO.read(png.toFile());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) for (int x = 0; x < img.getWidth(); x += 3) colours.add(img.getRGB(x, y));
        return new int[]{img.getWidth(), img.getHeight(), colours.size()};
    }

    @Test
    void theGpt4oTrioAndTheCalibrationCheckpointsGiveEveryPicture() throws Exception {
        Path dir = Files.createTempDirectory("pmc-plot-");
        List<String> args = new ArrayList<>(List.of("plot", "--out", dir.toString()));
        args.addAll(trio());
        String r = run(args.toArray(String[]::new));
        assertTrue(r.startsWith("0\n"), r);
        assertTrue(r.contains(dir.resolve("sr-plane.png") + " (1200 × 800 px)"), "path and size printed: " + r);
        assertTrue(r.contains("gpt-4o-insecure_temp01.csv: S=1.680 R=3.05, collapsed/dispersion"), r);
        for (String name : List.of("sr-plane.png", "distribution.png", "foundations.png")) {
            int[] l = look(dir.resolve(name));
            assertEquals(1200, l[0], name);
            assertEquals(name.equals("sr-plane.png") ? 800 : 700, l[1], name);
            assertTrue(l[2] > 20, name + " has a picture in it: " + l[2] + " colours");
        }
        Path traj = Files.createTempDirectory("pmc-plot-traj-");
        List<String> t = new ArrayList<>(List.of("plot", "--trajectory", "--out", traj.toString()));
        t.addAll(checkpoints());
        String rt = run(t.toArray(String[]::new));
        assertTrue(rt.startsWith("0\n") && rt.contains("trajectory.png (1200 × 700 px)"), rt);
        assertTrue(look(traj.resolve("trajectory.png"))[2] > 20);
        // an existing picture is kept unless --force
        String again = run(args.toArray(String[]::new));
        assertTrue(again.startsWith("2\n") && again.contains("exists; --force replaces it"), again);
        args.add(1, "--force");
        assertTrue(run(args.toArray(String[]::new)).startsWith("0\n"));
    }

    @Test
    void badInputGetsAClearErrorAndExitCode2() throws Exception {
        String none = run("plot");
        assertTrue(none.startsWith("2\n") && none.contains("give one or more rating files"), none);
        String missing = run("plot", "/nonexistent/x.csv");
        assertTrue(missing.startsWith("2\n") && missing.contains("cannot read /nonexistent/x.csv"), missing);
        Path dir = Files.createTempDirectory("pmc-plot-bad-");
        Path unreadable = dir.resolve("locked.csv");
        Files.writeString(unreadable, "persona_id,question_id,run_index,rating\n1,1,1,3\n");
        unreadable.toFile().setReadable(false);
        if (!Files.isReadable(unreadable)) { // root reads everything
            String locked = run("plot", unreadable.toString());
            assertTrue(locked.startsWith("2\n") && locked.contains("cannot read"), locked);
        }
        Path other = dir.resolve("bfi.csv");
        Files.writeString(other, "persona_id,question_id,run_index,rating\n1,44,1,3\n");
        String bfi = run("plot", "--out", dir.toString(), other.toString());
        assertTrue(bfi.startsWith("2\n") && bfi.contains("not an MFQ-30 item"), bfi);
        Path broken = dir.resolve("broken.csv");
        Files.writeString(broken, "persona_id,question_id,run_index,rating\n1,4294967299,1,3\n");
        String b = run("plot", "--out", dir.toString(), broken.toString());
        assertTrue(b.startsWith("2\n") && b.contains("record 2") && b.contains("out of range"), b);
        assertTrue(run("plot", "--trajectory", trio().get(0)).startsWith("2\n"), "a trajectory needs checkpoints");
    }

    /** The README's pictures are the command's output: regenerated here, each of the committed one's size. */
    @Test
    void theReadmePicturesAreWhatTheCommandDraws() throws Exception {
        Path img = Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("img");
        Path dir = Files.createTempDirectory("pmc-plot-readme-");
        List<String> args = new ArrayList<>(List.of("plot", "--out", dir.toString()));
        args.addAll(trio());
        assertTrue(run(args.toArray(String[]::new)).startsWith("0\n"));
        List<String> t = new ArrayList<>(List.of("plot", "--trajectory", "--out", dir.resolve("traj").toString()));
        t.addAll(checkpoints());
        assertTrue(run(t.toArray(String[]::new)).startsWith("0\n"));
        Files.copy(dir.resolve("traj/trajectory.png"), dir.resolve("trajectory.png"));
        String readme = Files.readString(img.getParent().getParent().resolve("README.md"));
        for (String name : List.of("sr-plane.png", "distribution.png", "foundations.png", "trajectory.png")) {
            assertTrue(readme.contains("docs/img/" + name), "README shows " + name);
            int[] committed = look(img.resolve(name)), fresh = look(dir.resolve(name));
            assertEquals(committed[0], fresh[0], name + " width");
            assertEquals(committed[1], fresh[1], name + " height");
            long a = Files.size(img.resolve(name)), b = Files.size(dir.resolve(name));
            assertTrue(Math.abs(a - b) <= 0.25 * a, name + ": committed " + a + " bytes, drawn now " + b + " (regenerate: see README)");
        }
    }
}
