/// The landing site's frame, as Apollo's guidance used it: origin at the site on the
/// reference sphere, `up` along the site's radius, `downRange` along the approach (the
/// horizontal direction the lander flies toward the site), `crossRange` completing a
/// right-handed triad (up, crossRange, downRange). Components are written (up, cross, down);
/// the Moon is taken as non-rotating.
public struct SiteFrame: Hashable, Sendable {
    /// The site, Moon-centred (m).
    public let origin: SIMD3<Double>
    public let up: SIMD3<Double>
    public let crossRange: SIMD3<Double>
    public let downRange: SIMD3<Double>

    /// The frame at `site` for an approach from `approachFrom` (any point up-range, e.g. the
    /// lander's position at ignition).
    public init(site: SIMD3<Double>, approachFrom: SIMD3<Double>) {
        origin = site
        up = normalized(site)
        let toSite = site - approachFrom
        downRange = normalized(toSite - dot(toSite, up) * up)
        crossRange = cross(downRange, up)
    }

    /// Moon-centred position to site coordinates (up, cross, down).
    @inlinable public func position(_ r: SIMD3<Double>) -> SIMD3<Double> { vector(r - origin) }
    /// Moon-centred vector to site components.
    @inlinable public func vector(_ v: SIMD3<Double>) -> SIMD3<Double> { SIMD3(dot(v, up), dot(v, crossRange), dot(v, downRange)) }
    /// Site components to a Moon-centred vector.
    @inlinable public func moonCentred(_ s: SIMD3<Double>) -> SIMD3<Double> { s.x * up + s.y * crossRange + s.z * downRange }
    @inlinable public func moonCentredPosition(_ s: SIMD3<Double>) -> SIMD3<Double> { origin + moonCentred(s) }
}
