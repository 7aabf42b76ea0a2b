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
              seq                     Check, compile, explain and run mission sequence scripts (.rseq).

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
                                      The flight topology to use. (values: core; default: core)
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
            happen (COMMAND-severity events with --verbose). Exits 0 only when the sequence completed.

            USAGE: regolith seq run [--topology <topology>] [--max-seconds <max-seconds>] [--verbose] <file>

            ARGUMENTS:
              <file>                  The sequence script (.rseq) or compiled sequence (.rseqb).

            OPTIONS:
              -t, --topology <topology>
                                      The flight topology to use. (values: core; default: core)
              -m, --max-seconds <max-seconds>
                                      Flight seconds to run at most (default: the worst case plus 60 s).
              --verbose               Also print COMMAND-severity events (every command dispatched and
                                      completed).
              --version               Show the version.
              -h, --help              Show help information.

            """)
    }

    @Test func runHelp() {
        #expect(RegolithCommand.helpMessage(for: RunCommand.self, columns: 100) == """
            OVERVIEW: Run a topology under the lockstep or the real-time executive and report on the run.

            lockstep steps simulated time as fast as the machine allows (bit-for-bit repeatable); realtime runs
            a dedicated thread on absolute clock_nanosleep deadlines and reports its wake-up lateness, cycle
            slips and per-rate-group execution times.

            USAGE: regolith run [--topology <topology>] [--executive <executive>] [--seconds <seconds>] [--fifo <fifo>]

            OPTIONS:
              -t, --topology <topology>
                                      The flight topology to use. (values: core; default: core)
              -e, --executive <executive>
                                      Executive: lockstep or realtime. (values: lockstep, realtime; default:
                                      lockstep)
              -s, --seconds <seconds> Flight seconds to run. (default: 5.0)
              --fifo <fifo>           Ask for SCHED_FIFO at this priority (1-99) with the real-time executive.
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

            USAGE: regolith dict export [--topology <topology>] [--format <format>] [--output <output>] [--summary]

            OPTIONS:
              -t, --topology <topology>
                                      The flight topology to use. (values: core; default: core)
              -f, --format <format>   Output format: regolith, fprime or both. (values: regolith, fprime, both;
                                      default: regolith)
              -o, --output <output>   Output file (a directory with --format both); standard output when absent.
              --summary               Print a one-line summary of the dictionary instead of the JSON.
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
        (["seq", "run", "--max-seconds", "0", "x.rseq"], "--max-seconds must be in (0, 864000], not 0.0"),
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
            #expect(RegolithCommand.message(for: error).contains("The value 'apollo' is invalid for '--topology <topology>'. Please provide one of 'core'."))
        }
    }
}
