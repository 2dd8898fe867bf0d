package io.raftlite.server;

/** Entry point (placeholder until the server part lands). */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("raftlite");
    }
}
