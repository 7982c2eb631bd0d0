import ContextKit
import BizingAPI
@testable import Catalog
import Testing

@Suite struct WeeklyHoursTests {
    @Test func overlappingRangesOfOneDayAreNamed() {
        let wire = CatalogV1.WeeklyHours(days: [
            CatalogV1.DayHours(day: .monday, ranges: [
                CatalogV1.TimeRange(start: "09:00", end: "12:00"), CatalogV1.TimeRange(start: "11:30", end: "17:00"),
                CatalogV1.TimeRange(start: "17:00", end: "24:00"),
            ]),
        ])
        let (hours, violations) = WeeklyHours.parse(wire, field: "operating_hours")
        #expect(violations.map(\.field) == ["operating_hours.days[0].ranges[1]"])
        #expect(hours.ranges(on: .monday) == [540..<720, 690..<1020, 1020..<1440])
    }
}
