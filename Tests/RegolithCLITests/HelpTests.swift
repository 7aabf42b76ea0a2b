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

              See 'regolith help <subcommand>' for detailed help.
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
                                      The flight topology to use. (values: core; default: core)
              --sequence <sequence>   A sequence the table may start (repeatable).
              --version               Show the version.
              -h, --help              Show help information.

            """)
    }
}
