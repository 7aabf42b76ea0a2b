import ArgumentParser
import Testing

@testable import RegolithCLI

/// The full help text of each command, as a user sees it: a change to any of it is deliberate.
@Suite struct HelpTests {
    @Test func rootHelp() {
        #expect(RegolithCommand.helpMessage(columns: 100) == """
            OVERVIEW: Regolith: hardware-in-the-loop flight software — run, inspect and command flight builds.

            USAGE: regolith <subcommand>

            OPTIONS:
              --version               Show the version.
              -h, --help              Show help information.

            SUBCOMMANDS:
              run                     Run a topology under the lockstep or the real-time executive and report
                                      on the run.
              dict                    Work with a topology's dictionary of commands, telemetry, events and
                                      parameters.
              ports                   List serial ports with their transport and USB ids.
              can                     Dump or send CAN frames on a SocketCAN, SLCAN or simulated bus link.
              simbus                  Run the cross-process simulated CAN bus.
              faults                  Check fault tables against a topology's dictionary.
              seq                     Check, compile, explain and run mission sequence scripts (.rseq).
              sim                     Run the simulator as its own process, its devices on the links a board
                                      file names.
              ground                  Command a running flight software and watch, archive its telemetry and
                                      events.
              archive                 Query, export and plot a ground archive.
              mission                 Run the lander descent or the rover drive against the simulator (in this
                                      process or another) and report on it.

              See 'regolith help <subcommand>' for detailed help.
            """)
    }

    @Test func seqHelp() {
        #expect(RegolithCommand.helpMessage(for: SeqCommand.self, columns: 100) == """
            OVERVIEW: Check, compile, explain and run mission sequence scripts (.rseq).

            USAGE: regolith seq <subcommand>

            OPTIONS:
              --version               Show the version.
              -h, --help              Show help information.

            SUBCOMMANDS:
              check                   Check a sequence against the dictionary; print one 'file:line:col: error:
                                      ...' line per error.
              compile                 Check a sequence and compile it to a binary for the on-board sequencer.
              explain                 Print a sequence's timeline and its worst-case duration.
              run                     Run a sequence on the topology's sequencer in lockstep, faster than real
                                      time.
              decompile               Turn a compiled sequence back into script text.

              See 'regolith help seq <subcommand>' for detailed help.
            """)
    }

    @Test func seqCheckHelp() {
        #expect(RegolithCommand.helpMessage(for: SeqCheck.self, columns: 100) == """
            OVERVIEW: Check a sequence against the dictionary; print one 'file:line:col: error: ...' line per
            error.

            Exits 0 when the sequence has no errors (warnings are printed but do not fail), 1 otherwise.

            USAGE: regolith seq check [--topology <topology>] [--dictionary <dictionary>] <file>

            ARGUMENTS:
              <file>                  The sequence script (.rseq).

            OPTIONS:
              -t, --topology <topology>
                                      The flight topology to use. (values: core, lander, rover; default: core)
              -d, --dictionary <dictionary>
                                      Check against this Regolith JSON dictionary (from 'regolith dict export')
                                      instead of the topology's.
              --version               Show the version.
              -h, --help              Show help information.

            """)
    }

    @Test func seqRunHelp() {
        #expect(RegolithCommand.helpMessage(for: SeqRun.self, columns: 100) == """
            OVERVIEW: Run a sequence on the topology's sequencer in lockstep, faster than real time.

            The script is checked and compiled against the topology's dictionary (a .rseqb file is installed as
            it is), installed, started with seq.SEQ_RUN, and the topology is stepped until the sequence
            completes, fails or is cancelled, or --max-seconds of flight time pass. Events are printed as they
            happen (COMMAND-severity events with --verbose). With --topology lander or rover the flight
            software runs against the simulator in lockstep, through the in-process device links of
            Boards/sim.yaml (e.g. `regolith seq run --topology lander Sequences/lander-descent.rseq` flies the
            descent). Exits 0 only when the sequence completed.

            USAGE: regolith seq run [--topology <topology>] [--max-seconds <max-seconds>] [--verbose] <file>

            ARGUMENTS:
              <file>                  The sequence script (.rseq) or compiled sequence (.rseqb).

            OPTIONS:
              -t, --topology <topology>
                                      The flight topology to use. (values: core, lander, rover; default: core)
              -m, --max-seconds <max-seconds>
                                      Flight seconds to run at most (default: the worst case plus 60 s).
              --verbose               Also print COMMAND-severity events (every command dispatched and
                                      completed).
              --version               Show the version.
              -h, --help              Show help information.

            """)
    }

    @Test func missionHelp() {
        #expect(RegolithCommand.helpMessage(for: MissionCommand.self, columns: 100) == """
            OVERVIEW: Run the lander descent or the rover drive against the simulator (in this process or
            another) and report on it.

            On a board whose devices are all `sim` (Boards/sim.yaml) the simulator runs in this process,
            stepped in lockstep with the flight software: as fast as the machine allows, or paced to the wall
            clock with --time-scale (and always when there is a --ground link). On a board with `simulator:
            process` (Boards/sim-pty.yaml, Boards/sim-vcan.yaml) the flight software runs alone under the
            real-time executive on the board's links, against `regolith sim --hold --time-scale F` (with
            --mission rover for the rover) started first with the same board and factor; the simulator reports
            the truth. Each mission flies with its fault table (Boards/lander-faults.yaml,
            Boards/rover-faults.yaml; --fault-table) and reports what it did. While the mission runs a live
            line shows the phase, altitude, vertical and horizontal speed and propellant used (on a terminal,
            rewritten in place). The final report checks the touchdown against ACCEPTANCE.md's envelope
            (vertical <= 3.05 m/s, horizontal <= 1.22 m/s, tilt <= 6 deg, angular rate < 2 deg/s, slope <= 12
            deg) and the nominal descent's figures (PDI to touchdown 700-800 s, delta-v 1.9-2.3 km/s). Exits 0
            when the landing is inside the envelope (on a separate simulator: when the flight software declared
            LANDED), 1 when it is not (or there was no touchdown, or the run was interrupted), 2 when the
            mission could not run (a board, link or scenario refused). --ground connects the flight software's
            ground interface (fprime-gds, `regolith ground`); with --wait-for-ground the descent waits for the
            ground's seq.SEQ_RUN lander_descent. The rover drive flies Sequences/rover-drive.rseq (50 m around
            two keep-out zones) and exits 0 when it reaches the goal without entering a zone or exceeding 200
            m/h (on a separate simulator: when the flight software completed the route with no stop).

            USAGE: regolith mission [<options>] <mission>

            ARGUMENTS:
              <mission>               The mission to run. (values: lander-descent, rover-drive)

            OPTIONS:
              --board <file>          The board file: which device is on which link. (default: Boards/sim.yaml)
              --seed <n>              Seed of the simulator's noise and terrain (a scenario's own seed wins).
                                      (default: 1)
              --vehicle <vehicle>     The lander: Chang'e-class (1.5-7.5 kN) or the Apollo LM flying Apollo
                                      11's plan. (values: change, apollo; default: change)
              --scenario <file>       A scenario file: faults injected during the run (docs/scenarios.md).
              --fault-table <file>    The mission's fault table (docs/faults.md), loaded into the flight
                                      software with its modes and lock-outs (default: the repository's
                                      Boards/lander-faults.yaml or Boards/rover-faults.yaml); `none`: no fault
                                      protection.
              --report <file.json>    Also write the final report as JSON to this file (keys in docs/cli.md).
              --plots <dir>           Write plots into this directory (SVG; PNG too when rsvg-convert or
                                      ImageMagick is installed).
              --quiet                 No live line: only the final report.
              --time-scale <factor>   Flight seconds per wall second: paces the embedded simulator, or runs the
                                      real-time executive this much faster against `regolith sim --time-scale`
                                      (the same factor).
              --ground <address>      The lander's ground link: tcp:HOST:PORT, listen:[HOST:]PORT or
                                      serial:PATH[@BAUD].
              --spacecraft-id <spacecraft-id>
                                      CCSDS spacecraft id of the ground link's frames (0...1023). (default: 68)
              --tm-frame-size <tm-frame-size>
                                      Length in bytes of every downlink TM frame. (default: 1024)
              --auth-key-file <file>  File holding the command authentication key in hex; commands must then be
                                      signed.
              --wait-for-ground       Install the descent sequence but start nothing: the ground starts it
                                      (seq.SEQ_RUN lander_descent).
              --telemetry-interval <seconds>
                                      Flight seconds between downlinks of the telemetry channels (events go
                                      down at once); 0: every ground tick (50 Hz). (default: 1.0)
              --version               Show the version.
              -h, --help              Show help information.

            """)
    }

    @Test func runHelp() {
        #expect(RegolithCommand.helpMessage(for: RunCommand.self, columns: 100) == """
            OVERVIEW: Run a topology under the lockstep or the real-time executive and report on the run.

            lockstep steps simulated time as fast as the machine allows (bit-for-bit repeatable); realtime runs
            a dedicated thread on absolute clock_nanosleep deadlines and reports its wake-up lateness, cycle
            slips and per-rate-group execution times. --ground connects the ground interface to fprime-gds or
            `regolith ground` (realtime only): tcp:HOST:PORT connects (fprime-gds listens on
            tcp:127.0.0.1:50000 by default), listen:[HOST:]PORT listens (on loopback unless HOST is given),
            serial:PATH[@BAUD] uses a serial port. With --auth-key-file every command must be signed, which
            fprime-gds cannot do (see docs/ground.md). SIGINT or SIGTERM ends a realtime run early, with its
            report.

            USAGE: regolith run [--topology <topology>] [--executive <executive>] [--seconds <seconds>] [--fifo <fifo>] [--ground <ground>] [--spacecraft-id <spacecraft-id>] [--tm-frame-size <tm-frame-size>] [--auth-key-file <auth-key-file>]

            OPTIONS:
              -t, --topology <topology>
                                      The flight topology to use. (values: core, lander, rover; default: core)
              -e, --executive <executive>
                                      Executive: lockstep or realtime. (values: lockstep, realtime; default:
                                      lockstep)
              -s, --seconds <seconds> Flight seconds to run. (default: 5.0)
              --fifo <fifo>           Ask for SCHED_FIFO at this priority (1-99) with the real-time executive.
              --ground <ground>       Ground link: tcp:HOST:PORT, listen:[HOST:]PORT or serial:PATH[@BAUD].
              --spacecraft-id <spacecraft-id>
                                      CCSDS spacecraft id of the ground link's frames (0...1023). (default: 68)
              --tm-frame-size <tm-frame-size>
                                      Length in bytes of every downlink TM frame. (default: 1024)
              --auth-key-file <auth-key-file>
                                      File holding the command authentication key in hex; commands must then be
                                      signed.
              --version               Show the version.
              -h, --help              Show help information.

            """)
    }

    @Test func dictExportHelp() {
        #expect(RegolithCommand.helpMessage(for: DictExport.self, columns: 100) == """
            OVERVIEW: Export a topology's dictionary as JSON.

            --format regolith writes Regolith's own form; --format fprime writes F Prime's v4 JSON dictionary,
            which fprime-gds loads (--dictionary). With --format both, --output names a directory that receives
            <Deployment>Dictionary.json and <Deployment>TopologyDictionary.json.

            USAGE: regolith dict export [--topology <topology>] [--spacecraft-id <spacecraft-id>] [--tm-frame-size <tm-frame-size>] [--format <format>] [--output <output>] [--summary]

            OPTIONS:
              -t, --topology <topology>
                                      The flight topology to use. (values: core, lander, rover; default: core)
              --spacecraft-id <spacecraft-id>
                                      CCSDS spacecraft id of the ground link's frames (0...1023). (default: 68)
              --tm-frame-size <tm-frame-size>
                                      Length in bytes of every downlink TM frame. (default: 1024)
              -f, --format <format>   Output format: regolith, fprime or both. (values: regolith, fprime, both;
                                      default: regolith)
              -o, --output <output>   Output file (a directory with --format both); standard output when absent.
              --summary               Print a one-line summary of the dictionary instead of the JSON.
              --version               Show the version.
              -h, --help              Show help information.

            """)
    }

    @Test func groundHelp() {
        #expect(RegolithCommand.helpMessage(for: GroundCommand.self, columns: 100) == """
            OVERVIEW: Command a running flight software and watch, archive its telemetry and events.

            Connects over the ground link (the other end of `regolith run --ground`): tcp:HOST:PORT connects,
            listen:[HOST:]PORT listens (loopback unless HOST is given), serial:PATH[@BAUD] opens a serial port.
            Commands (`NAME arg ...`, e.g. `cmdDisp.CMD_NO_OP`) come from --command and from standard input,
            one per line, and are checked against the dictionary before they are sent. Every downlinked packet
            is shown and, with --archive, committed to an SQLite archive at least every 100 ms (WAL mode: a
            killed ground loses nothing committed; read it back with `regolith archive`).

            USAGE: regolith ground [--topology <topology>] [--spacecraft-id <spacecraft-id>] [--tm-frame-size <tm-frame-size>] --link <link> [--dictionary <dictionary>] [--archive <archive>] [--key-file <key-file>] [--command <command> ...] [--seconds <seconds>] [--quiet] [--no-stdin]

            OPTIONS:
              -t, --topology <topology>
                                      The flight topology to use. (values: core, lander, rover; default: core)
              --spacecraft-id <spacecraft-id>
                                      CCSDS spacecraft id of the ground link's frames (0...1023). (default: 68)
              --tm-frame-size <tm-frame-size>
                                      Length in bytes of every downlink TM frame. (default: 1024)
              --link <link>           The ground link: tcp:HOST:PORT, listen:[HOST:]PORT or serial:PATH[@BAUD].
              --dictionary <dictionary>
                                      The flight build's Regolith JSON dictionary (`regolith dict export`),
                                      instead of --topology's.
              --archive <archive>     Archive every packet into this SQLite file (created if absent, appended
                                      to otherwise).
              --key-file <key-file>   File holding the command authentication key in hex: sign every command.
              --command <command>     A command line to send once the link is open (repeatable).
              --seconds <seconds>     Stop after this many seconds (default: run until SIGINT or SIGTERM).
              --quiet                 Show events and command results only, not every telemetry sample.
              --no-stdin              Do not read commands from standard input.
              --version               Show the version.
              -h, --help              Show help information.

            """)
    }

    @Test func archivePlotHelp() {
        #expect(RegolithCommand.helpMessage(for: ArchivePlot.self, columns: 100) == """
            OVERVIEW: Plot channels over flight time as an SVG file.

            USAGE: regolith archive plot <file> [--name <name> ...] [--from <from>] [--to <to>] [--limit <limit>] --output <output> [--title <title>]

            ARGUMENTS:
              <file>                  The archive file.

            OPTIONS:
              --name <name>           Only packets of this channel or event name (repeatable).
              --from <from>           Only packets at or after this flight time (s).
              --to <to>               Only packets at or before this flight time (s).
              --limit <limit>         At most this many packets.
              -o, --output <output>   The SVG file to write.
              --title <title>         The plot's title (default: the channel names).
              --version               Show the version.
              -h, --help              Show help information.

            """)
    }

    @Test func simHelp() {
        #expect(RegolithCommand.helpMessage(for: SimCommand.self, columns: 100) == """
            OVERVIEW: Run the simulator as its own process, its devices on the links a board file names.

            The board must say 'simulator: process'. Serial devices appear as pseudo-terminals linked at the
            board's paths, CAN devices on the board's SocketCAN interface or on the simulated bus this process
            serves. Physics runs at its fixed step, paced to the wall clock; a status line is printed each
            second and a summary at the end (SIGINT or SIGTERM stop it cleanly). The lander starts at powered
            descent initiation (15 km, 1,692 m/s, 577.2 km up-range of the Chang'e-3 site) with its engine off;
            the rover is parked at the site.

            USAGE: regolith sim --board <board> [--mission <mission>] [--seed <seed>] [--scenario <scenario>] [--duration <duration>] [--quiet] [--time-scale <factor>] [--hold] [--stop-after-touchdown <seconds>]

            OPTIONS:
              --board <board>         The board file (YAML) naming each device's transport.
              --mission <mission>     Which vehicle to simulate: lander or rover. (values: lander, rover;
                                      default: lander)
              --seed <seed>           Seed of every sensor's noise (a scenario's own seed replaces it).
                                      (default: 1)
              --scenario <scenario>   A fault scenario (YAML) to play against the run.
              --duration <duration>   Simulated seconds to run (default: until interrupted).
              --quiet                 Print no status line each second (the summary still prints).
              --time-scale <factor>   Simulated seconds per wall second; the flight process must use the same
                                      (regolith mission --time-scale). (default: 1.0)
              --hold                  Hold the world at its start until the flight software is first heard on a
                                      device link, so both count time from the same instant.
              --stop-after-touchdown <seconds>
                                      Stop this many simulated seconds after the lander's touchdown.
              --version               Show the version.
              -h, --help              Show help information.

            """)
    }
}

/// Bad arguments are refused with a specific message before anything runs.
@Suite struct ValidationTests {
    @Test(arguments: [
        (["run", "--seconds=0"], "--seconds must be in (0, 86400], not 0.0"),
        (["run", "--seconds=100000"], "--seconds must be in (0, 86400], not 100000.0"),
        (["run", "--executive", "realtime", "--fifo", "100"], "--fifo must be a priority in 1...99, not 100"),
        (["run", "--fifo", "10"], "--fifo applies to --executive realtime only"),
        (["dict", "export", "--format", "both"], "--format both writes two files: give a directory with --output."),
        (["run", "--ground", "listen:5000"], "--ground needs --executive realtime (a lockstep run does not keep wall-clock time)"),
        (["run", "-e", "realtime", "--ground", "udp:1:2"], "invalid link 'udp:1:2': unknown scheme 'udp' (expected tcp:HOST:PORT, listen:[HOST:]PORT or serial:PATH[@BAUD])"),
        (["run", "-e", "realtime", "--ground", "tcp:example.org:1"], "invalid link 'tcp:example.org:1': 'example.org' is not an IPv4 address or localhost (expected tcp:HOST:PORT, listen:[HOST:]PORT or serial:PATH[@BAUD])"),
        (["run", "--auth-key-file", "k"], "--auth-key-file applies to a run with --ground"),
        (["ground", "--link", "listen:99999"], "invalid link 'listen:99999': port '99999' is not a number in 0...65535 (expected tcp:HOST:PORT, listen:[HOST:]PORT or serial:PATH[@BAUD])"),
        (["archive", "plot", "a.sqlite", "-o", "p.svg"], "name at least one channel with --name"),
        (["dict", "export", "--spacecraft-id", "1024"], "--spacecraft-id must be in 0...1023, not 1024"),
        (["run", "--tm-frame-size", "14"], "--tm-frame-size must be in 15...2054, not 14"),
        (["seq", "run", "--max-seconds", "0", "x.rseq"], "--max-seconds must be in (0, 864000], not 0.0"),
        (["sim", "--board", "b.yaml", "--duration", "0"], "--duration must be in (0, 86400] seconds, not 0.0"),
    ])
    func refused(arguments: [String], message: String) {
        #expect(throws: (any Error).self) { try RegolithCommand.parseAsRoot(arguments) }
        do {
            _ = try RegolithCommand.parseAsRoot(arguments)
        } catch {
            #expect(RegolithCommand.message(for: error) == message)
        }
    }

    @Test func unknownTopologyIsRefused() {
        do {
            _ = try RegolithCommand.parseAsRoot(["run", "--topology", "apollo"])
            Issue.record("an unknown topology was accepted")
        } catch {
            #expect(RegolithCommand.message(for: error).contains("The value 'apollo' is invalid for '--topology <topology>'. Please provide one of 'core', 'lander' or 'rover'."))
        }
    }

    @Test func faultsCheckHelp() {
        #expect(RegolithCommand.helpMessage(for: FaultsCheck.self, columns: 100) == """
            OVERVIEW: Check a YAML fault table against a topology's channels, events, commands and modes.

            Every problem is printed as file:line:col: error: message, in file order, and the exit status is 1
            when there is any. Sequences named by the table are checked against the --sequence names when any
            are given.

            USAGE: regolith faults check [--topology <topology>] <file> [--sequence <sequence> ...]

            ARGUMENTS:
              <file>                  The fault table (YAML).

            OPTIONS:
              -t, --topology <topology>
                                      The flight topology to use. (values: core, lander, rover; default: core)
              --sequence <sequence>   A sequence the table may start (repeatable).
              --version               Show the version.
              -h, --help              Show help information.

            """)
    }
}
