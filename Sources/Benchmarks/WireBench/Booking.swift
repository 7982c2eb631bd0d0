import BizingWire
import struct Foundation.Date

// A realistic booking message, as the RPC layer will carry it. In proto terms:
//
//   message Money { int64 amount_minor = 1; string currency = 2; }
//   message Participant {
//     string id = 1; string name = 2; string email = 3; string phone = 4;
//     ParticipantRole role = 5; ParticipantStatus status = 6;
//     optional google.protobuf.Timestamp checked_in_at = 7;
//   }
//   message Booking {
//     string id = 1; string organization_id = 2; string location_id = 3;
//     string service_template_id = 4; BookingStatus status = 5;
//     google.protobuf.Timestamp starts_at = 6; google.protobuf.Timestamp ends_at = 7;
//     string time_zone = 8; int32 duration_minutes = 9; string booked_by_id = 10;
//     optional string household_id = 11; repeated Participant participants = 12;
//     Money price = 13; Money total = 14; optional Money deposit = 15;
//     int32 participant_count = 16; int32 max_participants = 17;
//     BookingSource source = 18; bool is_walk_in = 19; string notes = 20;
//     google.protobuf.Timestamp created_at = 21; google.protobuf.Timestamp updated_at = 22;
//     repeated string tags = 23;
//   }

enum BookingStatus: ProtobufEnum {
    case unspecified, pending, confirmed, checkedIn, completed, cancelled, noShow
    case unrecognized(Int32)

    init(protobufValue: Int32) {
        switch protobufValue {
        case 0: self = .unspecified
        case 1: self = .pending
        case 2: self = .confirmed
        case 3: self = .checkedIn
        case 4: self = .completed
        case 5: self = .cancelled
        case 6: self = .noShow
        default: self = .unrecognized(protobufValue)
        }
    }

    var protobufValue: Int32 {
        switch self {
        case .unspecified: 0
        case .pending: 1
        case .confirmed: 2
        case .checkedIn: 3
        case .completed: 4
        case .cancelled: 5
        case .noShow: 6
        case .unrecognized(let value): value
        }
    }
}

enum ParticipantRole: ProtobufEnum {
    case unspecified, primary, guest, child, staff
    case unrecognized(Int32)

    init(protobufValue: Int32) {
        switch protobufValue {
        case 0: self = .unspecified
        case 1: self = .primary
        case 2: self = .guest
        case 3: self = .child
        case 4: self = .staff
        default: self = .unrecognized(protobufValue)
        }
    }

    var protobufValue: Int32 {
        switch self {
        case .unspecified: 0
        case .primary: 1
        case .guest: 2
        case .child: 3
        case .staff: 4
        case .unrecognized(let value): value
        }
    }
}

enum ParticipantStatus: ProtobufEnum {
    case unspecified, invited, confirmed, checkedIn, cancelled, noShow
    case unrecognized(Int32)

    init(protobufValue: Int32) {
        switch protobufValue {
        case 0: self = .unspecified
        case 1: self = .invited
        case 2: self = .confirmed
        case 3: self = .checkedIn
        case 4: self = .cancelled
        case 5: self = .noShow
        default: self = .unrecognized(protobufValue)
        }
    }

    var protobufValue: Int32 {
        switch self {
        case .unspecified: 0
        case .invited: 1
        case .confirmed: 2
        case .checkedIn: 3
        case .cancelled: 4
        case .noShow: 5
        case .unrecognized(let value): value
        }
    }
}

enum BookingSource: ProtobufEnum {
    case unspecified, online, frontDesk, phone, api
    case unrecognized(Int32)

    init(protobufValue: Int32) {
        switch protobufValue {
        case 0: self = .unspecified
        case 1: self = .online
        case 2: self = .frontDesk
        case 3: self = .phone
        case 4: self = .api
        default: self = .unrecognized(protobufValue)
        }
    }

    var protobufValue: Int32 {
        switch self {
        case .unspecified: 0
        case .online: 1
        case .frontDesk: 2
        case .phone: 3
        case .api: 4
        case .unrecognized(let value): value
        }
    }
}

struct Money: Codable, Equatable, Sendable {
    var amountMinor: Int64 = 0
    var currency: String = ""

    enum CodingKeys: Int, CodingKey {
        case amountMinor = 1
        case currency = 2
    }
}

struct Participant: Codable, Equatable, Sendable {
    var id: String = ""
    var name: String = ""
    var email: String = ""
    var phone: String = ""
    var role: ParticipantRole = .unspecified
    var status: ParticipantStatus = .unspecified
    var checkedInAt: Date? = nil

    enum CodingKeys: Int, CodingKey {
        case id = 1
        case name = 2
        case email = 3
        case phone = 4
        case role = 5
        case status = 6
        case checkedInAt = 7
    }
}

struct Booking: Codable, Equatable, Sendable {
    var id: String = ""
    var organizationId: String = ""
    var locationId: String = ""
    var serviceTemplateId: String = ""
    var status: BookingStatus = .unspecified
    var startsAt: Date = Date(timeIntervalSince1970: 0)
    var endsAt: Date = Date(timeIntervalSince1970: 0)
    var timeZone: String = ""
    var durationMinutes: Int32 = 0
    var bookedById: String = ""
    var householdId: String? = nil
    var participants: [Participant] = []
    var price: Money = Money()
    var total: Money = Money()
    var deposit: Money? = nil
    var participantCount: Int32 = 0
    var maxParticipants: Int32 = 0
    var source: BookingSource = .unspecified
    var isWalkIn: Bool = false
    var notes: String = ""
    var createdAt: Date = Date(timeIntervalSince1970: 0)
    var updatedAt: Date = Date(timeIntervalSince1970: 0)
    var tags: [String] = []

    enum CodingKeys: Int, CodingKey {
        case id = 1
        case organizationId = 2
        case locationId = 3
        case serviceTemplateId = 4
        case status = 5
        case startsAt = 6
        case endsAt = 7
        case timeZone = 8
        case durationMinutes = 9
        case bookedById = 10
        case householdId = 11
        case participants = 12
        case price = 13
        case total = 14
        case deposit = 15
        case participantCount = 16
        case maxParticipants = 17
        case source = 18
        case isWalkIn = 19
        case notes = 20
        case createdAt = 21
        case updatedAt = 22
        case tags = 23
    }
}

extension Booking {
    /// A family of three booked into a group swim lesson at the front desk.
    /// Every field but one is set; the timestamps carry sub-second parts.
    static let sample = Booking(
        id: "7f3c2a9e-4b1d-4e8a-9c6f-2d5b8e1a0c47",
        organizationId: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
        locationId: "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
        serviceTemplateId: "c0ffee00-1234-4abc-8def-567890abcdef",
        status: .confirmed,
        startsAt: Date(timeIntervalSince1970: 1_767_947_400),  // 2026-01-09 08:30 UTC
        endsAt: Date(timeIntervalSince1970: 1_767_950_100),
        timeZone: "Europe/Amsterdam",
        durationMinutes: 45,
        bookedById: "0b9d8c7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e",
        householdId: "f1e2d3c4-b5a6-4978-8a6b-5c4d3e2f1a0b",
        participants: [
            Participant(
                id: "3a4b5c6d-7e8f-4a0b-9c2d-3e4f5a6b7c8d", name: "Marieke van der Berg",
                email: "marieke.vandenberg@example.nl", phone: "+31 6 12345678",
                role: .primary, status: .checkedIn, checkedInAt: Date(timeIntervalSince1970: 1_767_946_987.25)),
            Participant(
                id: "4b5c6d7e-8f9a-4b1c-8d3e-4f5a6b7c8d9e", name: "Sem van der Berg",
                email: "sem.vdberg@example.nl", phone: "+31 6 23456789",
                role: .child, status: .checkedIn, checkedInAt: Date(timeIntervalSince1970: 1_767_946_990.5)),
            Participant(
                id: "5c6d7e8f-9a0b-4c2d-9e4f-5a6b7c8d9e0f", name: "Zoë Jansen",
                email: "zoe.jansen@example.com", phone: "+31 20 5550123",
                role: .guest, status: .confirmed, checkedInAt: nil),
        ],
        price: Money(amountMinor: 2_450, currency: "EUR"),
        total: Money(amountMinor: 7_350, currency: "EUR"),
        deposit: Money(amountMinor: 1_500, currency: "EUR"),
        participantCount: 3,
        maxParticipants: 8,
        source: .frontDesk,
        isWalkIn: true,
        notes: "Sem is a beginner; please bring the small flotation belt. Guest pays at the desk.",
        createdAt: Date(timeIntervalSince1970: 1_767_600_123.125),
        updatedAt: Date(timeIntervalSince1970: 1_767_946_990.75),
        tags: ["swimming", "group-lesson", "family", "first-visit"]
    )
}
