package io.agnes.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.management.ObjectName;

/**
 * The {@code main} of a Payara Micro JVM that one integration test redeploys Agnes into many times: Payara Micro
 * has no redeploy command, but its embedded API ({@code PayaraMicroRuntime.deploy/undeploy}) does exactly what an
 * operator's redeploy does, in one server. Started by {@link PayaraHostProcess} with payara-micro.jar and this
 * class alone on the class path (no Agnes class may be visible to the server's class loaders), it reads one
 * command per line on stdin and answers on stdout, each answer line starting with {@value #REPLY}; the server's
 * own output goes to the log file named by the first argument. The second is the HTTP port, the third the server
 * libraries ({@code --addLibs}).
 *
 * <p>Commands: {@code deploy <exploded war dir>}, {@code undeploy}, {@code stats}, {@code quit}. {@code stats}
 * first releases the undeployed versions that server threads carry as their context class loader (see
 * {@link #releaseUndeployedContextLoaders()}), collects garbage until no more classes unload, then reports the JVM's
 * live threads (with their names), loaded and unloaded class counts, heap after GC, the web application class
 * loaders still alive and the server threads it released.
 *
 * <p>Only the JDK and reflection: the Payara Micro API is not on the test class path (its uber jar would clash
 * with the Arquillian client).
 */
public final class PayaraHost {

    static final String REPLY = "@@ ";
    static final String APP = "agnes";
    static final String WEBAPP_CLASS_LOADER = "org.glassfish.web.loader.WebappClassLoader";

    private PayaraHost() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream protocol = new PrintStream(new FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream log = new PrintStream(new FileOutputStream(args[0], true), true, StandardCharsets.UTF_8);
        // before Payara starts: its console log handler binds to System.out/err, which must not mix with the replies
        System.setOut(log);
        System.setErr(log);
        String port = args[1];
        String serverLibraries = args[2];
        try {
            Class<?> micro = Class.forName("fish.payara.micro.PayaraMicro");
            micro.getMethod("main", String[].class).invoke(null,
                    (Object) new String[] {"--nocluster", "--disablephonehome", "--port", port, "--addLibs", serverLibraries});
            Object instance = micro.getMethod("getInstance").invoke(null);
            Object runtime = micro.getMethod("getRuntime").invoke(instance);
            Class<?> api = Class.forName("fish.payara.micro.PayaraMicroRuntime");
            Method deploy = api.getMethod("deploy", String.class, String.class, File.class);
            Method undeploy = api.getMethod("undeploy", String.class);
            initializeBundledH2(runtime.getClass().getClassLoader());
            protocol.println(REPLY + "ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                String[] command = line.trim().split(" ", 2);
                try {
                    switch (command[0]) {
                        case "deploy" -> {
                            long start = System.nanoTime();
                            Object ok = deploy.invoke(runtime, APP, "/", new File(command[1]));
                            protocol.println(REPLY + (Boolean.TRUE.equals(ok) ? "deployed " : "failed ") + millisSince(start));
                        }
                        case "undeploy" -> {
                            long start = System.nanoTime();
                            undeploy.invoke(runtime, APP);
                            protocol.println(REPLY + "undeployed " + millisSince(start));
                        }
                        case "stats" -> stats(protocol);
                        case "quit" -> {
                            protocol.println(REPLY + "bye");
                            System.exit(0);
                        }
                        default -> protocol.println(REPLY + "error unknown command " + line);
                    }
                } catch (InvocationTargetException e) {
                    e.getCause().printStackTrace(log);
                    protocol.println(REPLY + "error " + oneLine(e.getCause()));
                }
            }
        } catch (Throwable e) {
            e.printStackTrace(log);
            protocol.println(REPLY + "error " + oneLine(e));
        }
        System.exit(1);
    }

    private static void stats(PrintStream out) throws Exception {
        List<String> released = releaseUndeployedContextLoaders();
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        // collect until two rounds in a row unload nothing more: class unloading can take more than one cycle
        // (finalizable or phantom-reachable objects of the old application are cleared in one GC, their classes in
        // the next), and one quiet round was seen to end the loop before a version that had just become unreachable
        // (its last thread ended) was unloaded
        long unloaded = classes.getUnloadedClassCount();
        for (int round = 0, quiet = 0; round < 12 && quiet < 2; round++) {
            System.gc();
            Thread.sleep(300); // let reference handlers and cleaners run before the next round
            long now = classes.getUnloadedClassCount();
            quiet = now == unloaded ? quiet + 1 : 0;
            unloaded = now;
        }
        System.gc();
        List<String> threads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList();
        out.println(REPLY + "stats threads=" + ManagementFactory.getThreadMXBean().getThreadCount()
                + " loaded=" + classes.getLoadedClassCount()
                + " unloaded=" + classes.getUnloadedClassCount()
                + " heap=" + memory.getHeapMemoryUsage().getUsed()
                + " webloaders=" + webappClassLoaders());
        for (String name : threads) {
            out.println(REPLY + "thread " + name.replace('\n', ' '));
        }
        for (String name : released) {
            out.println(REPLY + "released " + name.replace('\n', ' '));
        }
        out.println(REPLY + "end");
    }

    /**
     * Payara Micro's bundled H2 (its own class loader loads it, ahead of the WAR's copy) creates ready-made
     * {@code SQLException}s when its classes initialise ({@code DbException.SQL_OOME}, {@code TraceObject.SQL_OOME}),
     * and their backtraces keep every class on the stack at that moment: the Agnes version that opened the server's
     * first H2 connection (its {@code io.agnes.web.Database}), for the server's life. Initialised here, before the first
     * deploy, as a server that used H2 itself first would, so the count judges what Agnes keeps (heap dumps,
     * docs/performance.md, "What the server itself pins"). Nothing to do where Payara has no H2.
     */
    static void initializeBundledH2(ClassLoader server) {
        for (String name : List.of("org.h2.message.DbException", "org.h2.message.TraceObject")) {
            try {
                Class.forName(name, true, server);
            } catch (ClassNotFoundException | LinkageError absent) {
                return;
            }
        }
    }

    /**
     * Points every server thread that carries an undeployed version's web class loader as its context class loader
     * at that loader's parent, and returns the threads' names. Payara starts some threads during an undeploy, after
     * the application's listeners ran (its log file writer, the new root context's background processor), and they
     * inherit the version being undeployed: which version each one pins depends on which undeploy started it, so
     * the count of versions pinned that way varies from run to run (one or two), and nothing inside the WAR can
     * reach them (docs/performance.md, "What the server itself pins"). Releasing them here, as a fixed Payara would,
     * leaves what the test must judge: what Agnes and the libraries it loads keep alive. Threads whose own class
     * belongs to a web application (Okio's watchdog, say) are left alone: they pin their version by their class,
     * which is what the thread assertions are for.
     */
    static List<String> releaseUndeployedContextLoaders() {
        List<String> released = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            ClassLoader context = thread.getContextClassLoader();
            if (isWebappLoader(context) && !isWebappLoader(thread.getClass().getClassLoader()) && !isStarted(context)) {
                thread.setContextClassLoader(context.getParent());
                released.add(thread.getName());
            }
        }
        released.sort(null);
        return released;
    }

    private static boolean isWebappLoader(ClassLoader loader) {
        return loader != null && loader.getClass().getName().equals(WEBAPP_CLASS_LOADER);
    }

    /** {@code WebappClassLoader.isStarted()}: false once its application was undeployed. */
    private static boolean isStarted(ClassLoader webappLoader) {
        try {
            return (Boolean) webappLoader.getClass().getMethod("isStarted").invoke(webappLoader);
        } catch (ReflectiveOperationException e) {
            return true; // not known: left as it is
        }
    }

    /** Web application class loaders alive now, from the JVM's own class loader statistics ({@code jcmd VM.classloader_stats}). */
    private static long webappClassLoaders() {
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmClassloaderStats",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return Arrays.stream(String.valueOf(text).split("\n"))
                    .filter(row -> row.contains(WEBAPP_CLASS_LOADER)).count();
        } catch (Exception e) {
            return -1;
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static String oneLine(Throwable e) {
        return String.valueOf(e).replace('\n', ' ');
    }
}
