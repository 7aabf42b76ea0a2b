import Glibc

/// A landing site on the Moon's mean sphere and its local East-North-Up frame.
///
/// The Moon-fixed frame: origin at the Moon's centre, +z to the north pole, +x towards
/// latitude 0, longitude 0. **The Moon is treated as non-rotating** (0.55 deg/h in truth),
/// so the Moon-fixed frame is also the simulator's inertial frame.
///
/// Local map coordinates `(x east, y north)` are the gnomonic projection about the site:
/// a point's direction from the Moon's centre is cut by the tangent plane at the site,
/// and `x`, `y` are that intersection's east and north offsets from the site, in metres.
/// Near the site they equal ground distances (to (d/R)^2: 1.3e-6 at 2 km); at 300 km
/// radial distances are stretched by about 3 %. The projection is defined on the
/// hemisphere facing the site.
public struct LandingSite: Equatable, Sendable {
    /// Latitude, degrees (north positive).
    public let latitude: Double
    /// Longitude, degrees (east positive).
    public let longitude: Double
    /// Radius of the reference sphere, m (the Moon's mean radius unless told).
    public let radius: Double
    /// Unit vectors of the site's local frame, in Moon-fixed coordinates.
    public let east: Vector3
    public let north: Vector3
    public let up: Vector3

    public init(latitude: Double, longitude: Double, radius: Double = Moon.meanRadius) {
        self.latitude = latitude
        self.longitude = longitude
        self.radius = radius
        let phi = latitude * .pi / 180
        let lambda = longitude * .pi / 180
        up = Vector3(cos(phi) * cos(lambda), cos(phi) * sin(lambda), sin(phi))
        east = Vector3(-sin(lambda), cos(lambda), 0)
        north = Vector3(-sin(phi) * cos(lambda), -sin(phi) * sin(lambda), cos(phi))
    }

    /// Chang'e-3's landing site in Mare Imbrium (44.12 N, 19.51 W; CNSA).
    public static let changE3 = LandingSite(latitude: 44.12, longitude: -19.51)
    /// Apollo 11's landing site in Mare Tranquillitatis (0.674 N, 23.473 E; NSSDC).
    public static let apollo11 = LandingSite(latitude: 0.674, longitude: 23.473)

    /// The site itself on the reference sphere, Moon-fixed, m.
    public var position: Vector3 { radius * up }

    /// Map coordinates and height above the reference sphere of a Moon-fixed point.
    /// Points on the far hemisphere (not facing the site) map to x = y = infinity.
    @inlinable
    public func mapPoint(of p: Vector3) -> MapPoint {
        let r = p.length
        let u = p.dot(up)
        guard u > 1e-9 * r else { return MapPoint(x: .infinity, y: .infinity, altitude: r - radius) }
        let k = radius / u
        return MapPoint(x: k * p.dot(east), y: k * p.dot(north), altitude: r - radius)
    }

    /// The Moon-fixed point at map coordinates `(x, y)` and `altitude` above the sphere
    /// (the inverse of `mapPoint(of:)`).
    @inlinable
    public func position(of m: MapPoint) -> Vector3 {
        let d = (m.x / radius) * east + (m.y / radius) * north + up
        return ((radius + m.altitude) / d.length) * d
    }

    /// The local frame at a Moon-fixed point: up along the radius, east and north turned
    /// from the site's by the smallest rotation. Columns for converting map-frame vectors.
    @inlinable
    public func localFrame(at p: Vector3) -> (east: Vector3, north: Vector3, up: Vector3) {
        let u = p.normalized
        let e = (east - east.dot(u) * u).normalized
        return (e, u.cross(e), u)
    }
}

/// A point in map coordinates: east and north offsets from the site (m), and height above
/// the reference surface (m).
public struct MapPoint: Equatable, Sendable, BitwiseCopyable {
    public var x: Double
    public var y: Double
    public var altitude: Double

    @inlinable public init(x: Double, y: Double, altitude: Double) {
        self.x = x
        self.y = y
        self.altitude = altitude
    }
}

/// How simulator positions relate to the terrain's map.
///
/// - `flat`: the flat moon (`GravityModel.flat`): x east, y north, z the height above the
///   reference plane z = 0; map coordinates are the position's own.
/// - `sphere(site)`: Moon-centred positions (`GravityModel.pointMass`), mapped by the
///   site's gnomonic projection; heights are above the sphere of the site's radius.
public enum SurfaceFrame: Equatable, Sendable {
    case flat
    case sphere(LandingSite)

    /// Map coordinates of a simulator position.
    @inlinable
    public func mapPoint(of p: Vector3) -> MapPoint {
        switch self {
        case .flat: return MapPoint(x: p.x, y: p.y, altitude: p.z)
        case .sphere(let site): return site.mapPoint(of: p)
        }
    }

    /// The simulator position of a map point.
    @inlinable
    public func position(of m: MapPoint) -> Vector3 {
        switch self {
        case .flat: return Vector3(m.x, m.y, m.altitude)
        case .sphere(let site): return site.position(of: m)
        }
    }

    /// A vector given in the local East-North-Up frame at `p`, in simulator coordinates.
    @inlinable
    public func fromLocal(_ v: Vector3, at p: Vector3) -> Vector3 {
        switch self {
        case .flat: return v
        case .sphere(let site):
            let f = site.localFrame(at: p)
            return v.x * f.east + v.y * f.north + v.z * f.up
        }
    }

    /// A simulator-frame vector expressed in the local East-North-Up frame at `p`.
    @inlinable
    public func toLocal(_ v: Vector3, at p: Vector3) -> Vector3 {
        switch self {
        case .flat: return v
        case .sphere(let site):
            let f = site.localFrame(at: p)
            return Vector3(v.dot(f.east), v.dot(f.north), v.dot(f.up))
        }
    }

    /// Local up at `p`.
    @inlinable
    public func up(at p: Vector3) -> Vector3 {
        switch self {
        case .flat: return .unitZ
        case .sphere: return p.normalized
        }
    }
}
