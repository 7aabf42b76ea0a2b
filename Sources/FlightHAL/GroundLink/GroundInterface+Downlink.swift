import FlightCore
import FlightWire

extension GroundInterface {
    /// Largest event packet: Space Packet header, descriptor, id, time, six 8-byte arguments.
    static let maxPacketSize = SpacePacketHeader.size + 2 + 4 + FlightTime.wireSize + EventArguments.capacity * 8

    func downlink(linkUp: Bool, channelsDue: Bool) {
        transmit()
        guard linkUp else { return }
        framesThisTick = 0
        // Events first: they are records that cannot be regenerated. With no room the log is
        // not read at all, so records it overwrites meanwhile are counted (and reported) once,
        // when there is room again.
        if hasRoom() {
            let missed = events.read(from: &eventCursor, limit: configuration.eventsPerTick) { record in
                guard hasRoom() else { return false }  // the record stays in the log for the next tick
                guard let info = events.info(record.id) else { return true }  // cannot happen: the log registered it
                appendPacket(encodeEvent(record, info))
                return true
            }
            if missed > 0 {
                counts.eventsLost &+= missed
                ports.log(Event.eventsLost, .u64(missed))
            }
        }
        // Then channels, when due, resuming where the last tick stopped.
        if channelsDue {
            channelsUnfinished = !telemetry.drainPending(from: &channelCursor, { id, type, value, time in
                guard hasRoom() else { return false }
                appendPacket(encodeChannel(id, type, value, time))
                return true
            })
            if channelsUnfinished { counts.channelsDeferred &+= 1 }
        }
        transmit()
        // Close a partly filled frame with idle fill only when the link has taken everything
        // else: an idle link gets packets at once, a busy (slow) one gets full frames rather
        // than bandwidth spent on fill.
        if queueCount == 0 {
            framer.flush { frame in enqueue(frame) }
            transmit()
        }
    }

    /// Room for one more packet of the largest size and the idle frame that closes it.
    func hasRoom() -> Bool {
        let field = configuration.dataLink.tmFrameSize - TMFrame.overhead
        let need = Self.maxPacketSize / field + 2
        return configuration.queueFrames - queueCount >= need && framesThisTick + need <= configuration.framesPerTick
    }

    func encodeEvent(_ record: EventLog.Record, _ info: EventLog.Info) -> Int {
        var w = ByteWriter(UnsafeMutableRawBufferPointer(rebasing: packetBuffer[SpacePacketHeader.size...]))
        w.write(FPrimePacketDescriptor.log.rawValue)
        w.write(record.id.rawValue)
        record.time.encode(into: &w)
        for k in 0..<record.arguments.count {
            record.arguments[k].serialize(as: info.arguments[k].type, into: &w)
        }
        return wrap(apid: FPrimePacketDescriptor.log.apid, dataLength: w.count)
    }

    func encodeChannel(_ id: ChannelID, _ type: FlightType, _ value: FlightValue, _ time: FlightTime) -> Int {
        var w = ByteWriter(UnsafeMutableRawBufferPointer(rebasing: packetBuffer[SpacePacketHeader.size...]))
        w.write(FPrimePacketDescriptor.telemetry.rawValue)
        w.write(id.rawValue)
        time.encode(into: &w)
        value.serialize(as: type, into: &w)
        return wrap(apid: FPrimePacketDescriptor.telemetry.apid, dataLength: w.count)
    }

    /// Writes the Space Packet header in front of the `dataLength` bytes already in place.
    func wrap(apid: UInt16, dataLength: Int) -> Int {
        let seq = sequencer.next(for: apid)
        // Cannot throw: apid and sequence come masked, and 1 <= dataLength < 2048.
        guard let header = try? SpacePacketHeader(type: .telemetry, apid: apid, sequenceCount: seq, dataLength: dataLength) else { return 0 }
        var w = ByteWriter(UnsafeMutableRawBufferPointer(rebasing: packetBuffer[0..<SpacePacketHeader.size]))
        header.encode(into: &w)
        return header.packetLength
    }

    func appendPacket(_ length: Int) {
        guard length > 0 else { return }
        counts.downlinkPackets &+= 1
        framer.append(packet: UnsafeRawBufferPointer(rebasing: packetBuffer[0..<length])) { frame in enqueue(frame) }
    }

    func enqueue(_ frame: UnsafeRawBufferPointer) {
        // hasRoom() reserved the slots; the check keeps the bound even if that were wrong.
        guard queueCount < configuration.queueFrames else { return }
        let size = configuration.dataLink.tmFrameSize
        let slot = (queueHead + queueCount) % configuration.queueFrames
        (queue.baseAddress.unsafelyUnwrapped + slot * size).copyMemory(from: frame.baseAddress.unsafelyUnwrapped, byteCount: size)
        queueCount += 1
        framesThisTick += 1
    }

    func popFrame() {
        queueHead = (queueHead + 1) % configuration.queueFrames
        queueCount -= 1
        sentOffset = 0
    }

    /// Writes queued frames until the link takes no more.
    func transmit() {
        let size = configuration.dataLink.tmFrameSize
        while queueCount > 0 {
            let start = queueHead * size + sentOffset
            let n = link.write(UnsafeRawBufferPointer(rebasing: queue[start..<(queueHead * size + size)]))
            sentOffset += n
            guard sentOffset == size else { return }
            popFrame()
            counts.framesSent &+= 1
        }
    }
}
