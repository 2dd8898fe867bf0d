import java.lang.management.ManagementFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * What this machine charges to wake a thread: two threads pass a turn back and forth with
 * {@code LockSupport.park}/{@code unpark}, as the hand-offs on raftlite's request paths do, and the wall time and
 * process CPU per round trip (two wake-ups) are printed for three rounds. Run it across cores and on one:
 * {@code java -XX:TieredStopAtLevel=1 bench/PingPong.java 90000} and the same under {@code taskset -c 0}.
 */
public class PingPong {
    private static volatile int turn;

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 90_000;
        Thread main = Thread.currentThread();
        Thread other = new Thread(() -> {
            for (int i = 0; i < n; i++) {
                while (turn != 1) {
                    LockSupport.park();
                }
                turn = 0;
                LockSupport.unpark(main);
            }
        });
        other.setDaemon(true);
        other.start();
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            long c0 = cpu();
            for (int i = 0; i < n / 3; i++) {
                turn = 1;
                LockSupport.unpark(other);
                while (turn != 0) {
                    LockSupport.park();
                }
            }
            double trips = n / 3;
            System.out.printf("round trip %.1f us wall, %.1f us process CPU%n",
                    (System.nanoTime() - t0) / 1e3 / trips, (cpu() - c0) / 1e3 / trips);
        }
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
