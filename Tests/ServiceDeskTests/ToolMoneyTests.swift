import Testing

@testable import ServiceDesk

@Suite("Money as the tools write it")
struct ToolMoneyTests {
    @Test("Cents as units grouped by thousands, always two decimals, the sign in front")
    func text() {
        #expect(ToolMoney.text(0, "EUR") == "0.00 EUR")
        #expect(ToolMoney.text(5, "EUR") == "0.05 EUR")
        #expect(ToolMoney.text(190, "USD") == "1.90 USD")
        #expect(ToolMoney.text(123_456, "EUR") == "1,234.56 EUR")
        #expect(ToolMoney.text(-100_005, "GBP") == "-1,000.05 GBP")
        #expect(ToolMoney.text(100_000_000_00, "EUR") == "100,000,000.00 EUR")
    }
}
