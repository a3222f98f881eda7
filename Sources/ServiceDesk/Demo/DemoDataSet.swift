import Foundation
import ToolKit

/// The demo service desk `resource-server seed-demo` loads: 40 customers with contacts, sites and MRR,
/// 4,000 tickets with threads, 1,500 devices, 600 alerts, contracts (some ending within 60 days), backup
/// jobs (some failing this week), a year of invoices (paid, open, overdue) and a few rules with runs.
/// Made from a fixed seed, so ids, names, texts and counts are the same on every machine; dates are
/// placed relative to the hour of seeding, so the windows a demo shows hold on the day it is seeded.
/// `seed-demo --scale N` loads N copies: copy 0 is this demo, copy k has its own random stream, its
/// customers' names and device codes carry the number k + 1, and its ticket and invoice numbers follow
/// the previous copy's, so every copy is as real as the first and all of them are the same everywhere.
public enum DemoDataSet {
    public static let seed: UInt64 = 0x4741_5445_484F_5553
    public static let ticketCount = 4_000
    public static let assetCount = 1_500
    public static let alertCount = 600
    /// Invoice numbers each copy may use; a copy issues about 480.
    static let invoiceNumbersPerCopy = 1_000
    public static let currency = "USD"

    /// Seeding at 10:40 and at 10:55 gives the same data.
    public static func anchor(for now: Date) -> Date {
        Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
    }

    public static func make(tenantID: String, now: Date, copy: Int = 0) -> ServiceDeskRecords {
        precondition(copy >= 0, "copies count from 0")
        var builder = DemoDataBuilder(tenantID: tenantID, now: anchor(for: now), copy: copy)
        builder.build()
        return builder.records
    }
}

/// Builds the demo data in a fixed order from one random stream: changing the order changes the data.
private struct DemoDataBuilder {
    typealias Vocabulary = DemoVocabulary

    struct Person {
        let name: String
        let email: String
    }

    /// What later steps need to know about a customer.
    struct CustomerContext {
        let company: Company
        let vocabulary: Vocabulary.Customer
        let sites: [CompanySite]
        let people: [Person]
        var assets: [Asset] = []
    }

    let tenantID: String
    let now: Int64
    let copy: Int
    var random: DemoRandom
    var records = ServiceDeskRecords()
    var customers: [CustomerContext] = []

    init(tenantID: String, now: Date, copy: Int) {
        self.tenantID = tenantID
        self.now = Int64(now.timeIntervalSince1970)
        self.copy = copy
        // Copy 0 keeps the demo's own stream; the others start where SplitMix64's spacing puts them apart.
        random = DemoRandom(seed: DemoDataSet.seed &+ UInt64(copy) &* 0xD1B5_4A32_D192_ED03)
    }

    /// ` 2` for the second copy, nothing for the first.
    var copySuffix: String { copy == 0 ? "" : " \(copy + 1)" }
    /// `2` for the second copy, nothing for the first: joined to slugs and device codes.
    var copyTag: String { copy == 0 ? "" : "\(copy + 1)" }

    mutating func build() {
        makeCustomers()
        makeAssets()
        makeTickets()
        makeAlerts()
        makeContracts()
        makeBackupJobs()
        makeInvoices()
        makeRules()
        makeAuditEntries()
    }

    // MARK: time

    func date(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }
    func ago(days: Int = 0, hours: Int = 0, minutes: Int = 0) -> Int64 { now - Int64(days * 86_400 + hours * 3_600 + minutes * 60) }
    mutating func agoWithin(days range: ClosedRange<Int>) -> Int64 { now - Int64(random.int(in: (range.lowerBound * 86_400)...(range.upperBound * 86_400))) }

    // MARK: customers

    static let onboarding: Set<Int> = [4, 27, 33]
    static let suspended: Set<Int> = [12]
    static let churned: Set<Int> = [30]

    mutating func makeCustomers() {
        let areaCodes = [262, 312, 414, 608, 612, 630, 651, 708, 773, 815, 847, 920]
        for (index, base) in Vocabulary.customers.enumerated() {
            let vocabulary = Vocabulary.Customer(
                name: base.name + copySuffix, code: base.code + copyTag, slug: base.slug + copyTag, city: base.city, headcount: base.headcount
            )
            let id = random.identifier("cus")
            let status: Company.Status =
                Self.onboarding.contains(index) ? .onboarding : Self.suspended.contains(index) ? .suspended : Self.churned.contains(index) ? .churned : .active
            let mrrDollars = status == .churned ? 0 : 250 + vocabulary.headcount * random.int(in: 55...95)
            let created = agoWithin(days: status == .onboarding ? 20...60 : 400...2_200)
            let domain = vocabulary.slug + ".example"
            let company = Company(
                tenantID: tenantID, id: id, name: vocabulary.name, status: status, mrrCents: Int64(mrrDollars) * 100, currency: DemoDataSet.currency,
                domain: domain, phone: "+1 (\(random.pick(areaCodes))) 555-01\(String(format: "%02d", index))", createdAt: date(created),
                updatedAt: date(max(created, agoWithin(days: 0...120)))
            )
            records.companies.append(company)

            let people = (0..<max(6, vocabulary.headcount / 3)).map { _ in person(at: domain) }
            for (position, contact) in people.prefix(random.int(in: 2...min(5, people.count))).enumerated() {
                records.contacts.append(
                    CompanyContact(
                        tenantID: tenantID, id: random.identifier("ctc"), companyID: id, name: contact.name, email: contact.email,
                        phone: "+1 (\(random.pick(areaCodes))) 555-01\(random.int(in: 10...99))",
                        title: position == 0 ? random.pick(Vocabulary.contactTitles) : random.pick(["Team Lead", "Assistant", "Accounts", nil]),
                        isPrimary: position == 0
                    )
                )
            }

            let siteCount = vocabulary.headcount > 80 ? 3 : vocabulary.headcount > 40 ? 2 : 1
            let city = String(vocabulary.city.prefix { $0 != "," })
            let siteNames = ["Head office", random.pick(["Warehouse", "Clinic", "Branch office", "Workshop"]), "\(city) annex"]
            let sites = (0..<siteCount).map { position in
                CompanySite(
                    tenantID: tenantID, id: random.identifier("sit"), companyID: id, name: siteNames[position],
                    address: "\(random.int(in: 100...9_899)) \(random.pick(Vocabulary.streets))", city: vocabulary.city, country: "US"
                )
            }
            records.sites += sites
            customers.append(CustomerContext(company: company, vocabulary: vocabulary, sites: sites, people: people))
        }
    }

    mutating func person(at domain: String) -> Person {
        let first = random.pick(Vocabulary.firstNames)
        let last = random.pick(Vocabulary.lastNames)
        let local = "\(first).\(last)".lowercased().filter { $0.isLetter || $0 == "." }
        return Person(name: "\(first) \(last)", email: "\(local)@\(domain)")
    }

    /// Splits `total` over the customers by headcount, largest remainders first, so the sum is exact.
    func shares(of total: Int) -> [Int] {
        let headcounts = customers.map(\.vocabulary.headcount)
        let sum = headcounts.reduce(0, +)
        var counts = headcounts.map { total * $0 / sum }
        let order = headcounts.indices.sorted { (total * headcounts[$0]) % sum > (total * headcounts[$1]) % sum }
        for index in order.prefix(total - counts.reduce(0, +)) { counts[index] += 1 }
        return counts
    }

    // MARK: devices

    mutating func makeAssets() {
        for (index, count) in shares(of: DemoDataSet.assetCount).enumerated() {
            let context = customers[index]
            var kinds: [(Asset.Kind, CompanySite?)] = context.sites.flatMap { [(.network, $0), (.printer, $0)] }
            let servers = context.vocabulary.headcount >= 80 ? 2 : context.vocabulary.headcount >= 20 ? 1 : 0
            kinds += Array(repeating: (.server, context.sites.first), count: servers)
            while kinds.count < count {
                kinds.append((random.weighted([(.workstation, 40), (.laptop, 45), (.mobile, 15)]), random.pick(context.sites)))
            }
            var numbers: [Asset.Kind: Int] = [:]
            for (kind, site) in kinds.prefix(count) {
                numbers[kind, default: 0] += 1
                customers[index].assets.append(makeAsset(kind: kind, number: numbers[kind]!, site: site, context: context))
            }
            records.assets += customers[index].assets
        }
    }

    mutating func makeAsset(kind: Asset.Kind, number: Int, site: CompanySite?, context: CustomerContext) -> Asset {
        let code: String = switch kind {
        case .workstation: "WS"
        case .laptop: "LT"
        case .server: "SRV"
        case .network: "FW"
        case .printer: "PRN"
        case .mobile: "MOB"
        }
        let status: Asset.Status = random.weighted([(.active, 93), (.inRepair, 2), (.retired, 5)])
        let purchased = agoWithin(days: 30...1_800)
        let warrantyYears = kind == .server ? 5 : kind == .mobile ? 1 : 3
        let warranty: Date? = kind == .printer && random.chance(0.3) ? nil : date(purchased + Int64(warrantyYears * 365 * 86_400))
        let lastSeen: Int64 = switch status {
        case .retired: agoWithin(days: 60...400)
        case .inRepair: agoWithin(days: 3...20)
        case .active: random.weighted([(0, 80), (1, 12), (2, 8)]) == 0
            ? ago(minutes: random.int(in: 1...50)) : random.chance(0.6) ? ago(hours: random.int(in: 1...72)) : agoWithin(days: 8...90)
        }
        let serial = String((0..<10).map { _ in Array("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")[random.int(in: 0...33)] })
        return Asset(
            tenantID: tenantID, id: random.identifier("ast"), companyID: context.company.id, siteID: site?.id,
            name: "\(context.vocabulary.code)-\(code)-\(String(format: kind == .server || kind == .network ? "%02d" : "%03d", number))", kind: kind,
            os: random.pick(Vocabulary.operatingSystems[kind]!), status: status, serialNumber: serial, warrantyEndsAt: warranty,
            lastSeenAt: date(max(lastSeen, purchased))
        )
    }

    // MARK: tickets

    mutating func makeTickets() {
        var planned: [(customer: Int, created: Int64)] = []
        for (index, count) in shares(of: DemoDataSet.ticketCount).enumerated() {
            let earliest = max(Int64(customers[index].company.createdAt.timeIntervalSince1970), ago(days: 365))
            for _ in 0..<count { planned.append((index, now - Int64(random.int(in: 0...Int(now - earliest - 600))) - 600)) }
        }
        // Numbers follow the order tickets were opened in, like a real desk's.
        let ordered = planned.enumerated().sorted { ($0.element.created, $0.offset) < ($1.element.created, $1.offset) }.map(\.element)
        for (position, plan) in ordered.enumerated() {
            makeTicket(number: 10_001 + copy * DemoDataSet.ticketCount + position, context: customers[plan.customer], created: plan.created)
        }
    }

    mutating func makeTicket(number: Int, context: CustomerContext, created: Int64) {
        let servers = context.assets.filter { $0.kind == .server }
        let computers = context.assets.filter { $0.kind == .laptop || $0.kind == .workstation }
        // Tickets the monitoring opens are about servers; customers without one do not get them.
        let topics = Vocabulary.topics.filter { !servers.isEmpty || !$0.isAutomatic }
        let topic = random.weighted(topics.map { ($0, $0.weight) })
        let ageDays = Double(now - created) / 86_400
        let status: Ticket.Status =
            ageDays < 2 ? random.weighted([(.new, 35), (.open, 30), (.inProgress, 25), (.waitingOnCustomer, 10)])
            : ageDays < 14 ? random.weighted([(.open, 15), (.inProgress, 20), (.waitingOnCustomer, 20), (.resolved, 35), (.closed, 10)])
            : ageDays < 60 ? random.weighted([(.waitingOnCustomer, 4), (.open, 3), (.resolved, 20), (.closed, 73)])
            : random.weighted([(.closed, 98), (.resolved, 1), (.waitingOnCustomer, 1)])
        let priority: Ticket.Priority = random.weighted([(.urgent, 4), (.high, 18), (.normal, 60), (.low, 18)])
        let assignee: String? = status == .new && random.chance(0.6) ? nil : random.pick(Vocabulary.technicians)
        let technician = assignee ?? random.pick(Vocabulary.technicians)

        let device = random.pick(topic.isAutomatic ? servers : computers.isEmpty ? context.assets : computers)
        let requester = random.pick(context.people)
        let other = random.pick(context.people)
        let site = random.pick(context.sites)
        let app = random.pick(Vocabulary.applications)
        func fill(_ text: String) -> String {
            text.replacingOccurrences(of: "{person}", with: other.name).replacingOccurrences(of: "{device}", with: device.name)
                .replacingOccurrences(of: "{site}", with: site.name).replacingOccurrences(of: "{app}", with: app)
        }
        let template = random.pick(topic.subjects)
        let subject = fill(template)
        let opening = random.pick(topic.openings)
        let automatic = topic.isAutomatic
        let requesterEmail = automatic ? "monitoring@gatehouse.local" : requester.email
        let ticketID = random.identifier("tkt")

        // The thread unfolds within the ticket's age (at most five days), one step after another.
        let span = max(Int64(600), min(now - created - 60, 5 * 86_400))
        var time = created
        var notes: [TicketNote] = []
        func note(_ author: String, _ visibility: TicketNote.Visibility, _ body: String) {
            time = min(now - 60, time + Int64(random.int(in: 60...Int(span / 5))))
            notes.append(
                TicketNote(tenantID: tenantID, id: random.identifier("nte"), ticketID: ticketID, author: author, visibility: visibility, body: fill(body), createdAt: date(time))
            )
        }
        notes.append(TicketNote(tenantID: tenantID, id: random.identifier("nte"), ticketID: ticketID, author: requesterEmail, visibility: .public, body: fill(opening), createdAt: date(created)))
        if status != .new {
            note(technician, .public, random.pick(topic.replies))
            if random.chance(0.75) { note(technician, .internal, random.pick(topic.internalNotes)) }
            if !automatic, !topic.customerReplies.isEmpty, random.chance(0.6) { note(requesterEmail, .public, random.pick(topic.customerReplies)) }
            if random.chance(0.3) { note(technician, .internal, random.pick(topic.internalNotes)) }
            if status == .resolved || status == .closed { note(technician, .public, random.pick(topic.resolutions)) }
        }
        let closedLater = status == .closed ? Int64(random.int(in: 0...(3 * 86_400))) : 0
        let updated = min(now - 60, time + closedLater)
        records.notes += notes
        records.tickets.append(
            Ticket(
                tenantID: tenantID, id: ticketID, number: "T-\(number)", companyID: context.company.id, subject: subject, status: status,
                priority: priority, requesterEmail: requesterEmail, assignee: assignee,
                assetID: template.contains("{device}") || opening.contains("{device}") ? device.id : nil, createdAt: date(created),
                updatedAt: date(max(updated, created))
            )
        )
    }

    // MARK: alerts

    mutating func makeAlerts() {
        let weight: [Asset.Kind: Int] = [.server: 12, .network: 8, .printer: 3, .workstation: 1, .laptop: 1, .mobile: 1]
        let candidates = customers.flatMap(\.assets).filter { $0.status == .active }.map { ($0, weight[$0.kind]!) }
        for _ in 0..<DemoDataSet.alertCount {
            let asset = random.weighted(candidates)
            let kind = random.pick(Vocabulary.alertKinds.filter { $0.assetKinds.contains(asset.kind) })
            let created = agoWithin(days: 0...60)
            let ageDays = Double(now - created) / 86_400
            let status: Alert.Status =
                ageDays < 1 ? random.weighted([(.open, 60), (.acknowledged, 40)])
                : ageDays < 7 ? random.weighted([(.open, 15), (.acknowledged, 25), (.resolved, 60)])
                : random.weighted([(.resolved, 95), (.acknowledged, 3), (.open, 2)])
            let id = random.identifier("alr")
            var time = created
            var events: [AlertEvent] = []
            func step() -> Int64 { min(now - 60, time + Int64(random.int(in: 5...180) * 60)) }
            let technician = random.pick(Vocabulary.technicians)
            if status != .open, !(status == .resolved && random.chance(0.35)) {
                time = step()
                events.append(AlertEvent(
                    tenantID: tenantID, id: random.identifier("ale"), alertID: id, action: .acknowledged, actor: technician,
                    note: random.pick(["Looking into it.", "Known issue, fix scheduled for tonight.", "Ticket opened with the customer.", nil]), occurredAt: date(time)
                ))
            }
            if status == .resolved {
                time = step()
                let automatic = events.isEmpty
                events.append(AlertEvent(
                    tenantID: tenantID, id: random.identifier("ale"), alertID: id, action: .resolved, actor: automatic ? kind.source : technician,
                    note: automatic ? "Condition cleared." : random.pick(["Fixed.", "Freed up space and verified.", "Replaced the failing part.", "Service restarted."]),
                    occurredAt: date(time)
                ))
            }
            records.alertEvents += events
            records.alerts.append(Alert(
                tenantID: tenantID, id: id, companyID: asset.companyID, assetID: asset.id, title: kind.title, severity: kind.severity, status: status,
                source: kind.source, createdAt: date(created), updatedAt: date(time)
            ))
        }
    }

    // MARK: contracts, backups, invoices

    mutating func makeContracts() {
        for (index, context) in customers.enumerated() {
            let company = context.company
            let term = random.pick([12, 24, 36])
            let end: Int64 = company.status == .churned ? agoWithin(days: 20...90)
                : index % 5 == 2 ? now + Int64(random.int(in: 5...55)) * 86_400 : now + Int64(random.int(in: 70...900)) * 86_400
            addContract(company, name: "Managed Services Agreement", months: term, end: end, monthlyCents: max(company.mrrCents, 50_000))
            if random.chance(0.35) {
                let end = now + Int64(random.int(in: 10...360)) * 86_400
                addContract(company, name: "Backup & Disaster Recovery add-on", months: 12, end: end, monthlyCents: Int64(random.int(in: 150...600)) * 100)
            }
            if random.chance(0.25) {
                let end = now + Int64(random.int(in: 20...360)) * 86_400
                addContract(company, name: "Microsoft 365 licensing", months: 12, end: end, monthlyCents: Int64(context.vocabulary.headcount * 22) * 100)
            }
        }
    }

    mutating func addContract(_ company: Company, name: String, months: Int, end: Int64, monthlyCents: Int64) {
        let endDay = end - end % 86_400
        records.contracts.append(Contract(
            tenantID: tenantID, id: random.identifier("ctr"), companyID: company.id, name: name,
            startsOn: date(endDay - Int64(months) * 30 * 86_400 - 86_400 * Int64(months / 12 * 5)), endsOn: date(endDay),
            valueCents: monthlyCents * Int64(months), currency: DemoDataSet.currency
        ))
    }

    mutating func makeBackupJobs() {
        for context in customers where context.company.status != .churned {
            let vendor = random.pick(Vocabulary.backupVendors)
            var jobs: [(String, Asset?)] = context.assets.filter { $0.kind == .server && $0.status == .active }.map { ("\($0.name) image backup", $0) }
            jobs.append(("Microsoft 365 mail and OneDrive", nil))
            if context.vocabulary.headcount > 40 { jobs.append(("File share to cloud", nil)) }
            for (name, asset) in jobs {
                let status: BackupJob.Status = random.weighted([(.succeeded, 78), (.warning, 8), (.failed, 14)])
                let lastRun: Int64 = status == .failed && random.chance(0.25) ? agoWithin(days: 8...20) : ago(hours: random.int(in: 1...30))
                records.backupJobs.append(BackupJob(
                    tenantID: tenantID, id: random.identifier("bkp"), companyID: context.company.id, assetID: asset?.id, name: name, vendor: vendor,
                    status: status, lastRunAt: date(lastRun),
                    lastSuccessAt: date(status == .failed ? lastRun - Int64(random.int(in: 1...20)) * 86_400 : lastRun),
                    message: status == .failed ? random.pick(Vocabulary.backupFailures) : status == .warning ? random.pick(Vocabulary.backupWarnings) : nil
                ))
            }
        }
    }

    mutating func makeInvoices() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let thisMonth = calendar.date(from: calendar.dateComponents([.year, .month], from: date(now)))!
        let first = 20_001 + copy * DemoDataSet.invoiceNumbersPerCopy
        var number = first
        for monthsBack in stride(from: 11, through: 0, by: -1) {
            let issued = Int64(calendar.date(byAdding: .month, value: -monthsBack, to: thisMonth)!.timeIntervalSince1970) + 9 * 3_600
            guard issued < now else { continue }
            for context in customers where issued >= Int64(context.company.createdAt.timeIntervalSince1970) {
                if context.company.status == .churned, monthsBack < 3 { continue }
                let due = issued + 30 * 86_400
                let status: Invoice.Status =
                    monthsBack == 0 ? .open : monthsBack == 1 ? random.weighted([(.paid, 60), (.open, 40)])
                    : random.weighted([(.paid, 95), (.open, 4), (.void, 1)])
                let extra = random.chance(0.2) ? Int64(random.int(in: 150...2_500)) * 100 : 0
                records.invoices.append(Invoice(
                    tenantID: tenantID, id: random.identifier("inv"), number: "INV-\(number)", companyID: context.company.id, status: status,
                    amountCents: max(context.company.mrrCents, 50_000) + extra, currency: DemoDataSet.currency, issuedOn: date(issued), dueOn: date(due),
                    paidOn: status == .paid ? date(min(now - 3_600, issued + Int64(random.int(in: 3...35)) * 86_400)) : nil
                ))
                number += 1
            }
        }
        precondition(number - first <= DemoDataSet.invoiceNumbersPerCopy, "a copy's invoice numbers stay in its own range")
    }

    // MARK: rules

    mutating func makeRules() {
        let rules: [(String, String, String, String, [String])] = [
            ("Auto-close resolved tickets", "Closes tickets that stayed resolved for 3 days without a customer reply.", "schedule: daily 02:00",
             "close ticket", ["Closed 4 tickets.", "Closed 2 tickets.", "No tickets to close."]),
            ("Escalate unassigned urgent tickets", "Raises urgent tickets nobody picked up within 30 minutes to the on-call technician.",
             "ticket: urgent and unassigned for 30 minutes", "assign to on-call and notify", ["Escalated T-ticket to the on-call technician."]),
            ("Ticket from critical alert", "Opens a ticket for every critical alert that stays open for 15 minutes.", "alert: critical open 15 minutes",
             "create ticket", ["Opened a ticket for a critical alert.", "Alert cleared before the rule ran."]),
            ("Restart print spooler", "Restarts the print spooler on the print server when a printer goes offline.", "alert: Printer offline",
             "run script: Restart-Service Spooler", ["Spooler restarted; printer back online.", "Printer still offline after restart."]),
            ("Contract renewal reminder", "Tells the account manager about contracts ending within 60 days.", "schedule: weekly Monday 08:00",
             "email account manager", ["Sent reminders for 3 contracts.", "No contracts ending soon."]),
            ("Clear temp files on low disk", "Deletes temporary files when a workstation falls below 10% free disk.", "alert: Disk C: below 10% free space",
             "run script: Clear-TempFiles", ["Freed 12.4 GB.", "Freed 3.1 GB.", "Script timed out."]),
        ]
        var made: [Rule] = []
        for (name, description, trigger, action, _) in rules {
            made.append(Rule(
                tenantID: tenantID, id: random.identifier("rul"), name: name + copySuffix, description: description, trigger: trigger, action: action,
                enabled: made.count != 3, createdAt: date(agoWithin(days: 90...700))
            ))
        }
        records.rules = made
        for _ in 0..<150 {
            let index = random.int(in: 0...(made.count - 1))
            let started = agoWithin(days: 0...30)
            let outcome: RuleExecution.Outcome = random.weighted([(.succeeded, 85), (.failed, 8), (.skipped, 7)])
            let tenantWide = index == 0 || index == 4
            // Drawn in the order they always were, so the rest of the demo stays the same.
            let id = random.identifier("rex")
            let company = tenantWide ? nil : random.pick(customers).company.id
            let finished = started + Int64(random.int(in: 1...90))
            // Failures of the last week wait for the scheduler's retry, six hours after they ended.
            let retry = outcome == .failed && started > ago(days: 7) ? date(finished + 6 * 3_600) : nil
            records.ruleExecutions.append(RuleExecution(
                tenantID: tenantID, id: id, ruleID: made[index].id, companyID: company, startedAt: date(started), finishedAt: date(finished),
                outcome: outcome, summary: outcome == .skipped ? "Skipped: the condition no longer held." : random.pick(rules[index].4), retryAt: retry
            ))
        }
    }

    // MARK: audit log

    /// What the desk's own tools left behind: reads and notes on about a quarter of the tickets, in the
    /// order they happened, so `get_audit_log_for_ticket` has history to page through.
    mutating func makeAuditEntries() {
        let tools: [(String, Int)] = [("get_ticket", 50), ("search_tickets", 15), ("add_ticket_note", 20), ("update_ticket_status", 15)]
        for ticket in records.tickets where random.chance(0.25) {
            let created = Int64(ticket.createdAt.timeIntervalSince1970)
            let updated = max(created, Int64(ticket.updatedAt.timeIntervalSince1970))
            var times = (0..<random.int(in: 1...4)).map { _ in created + Int64(random.int(in: 0...Int(updated - created))) }
            times.sort()
            for time in times {
                let technician = random.pick(Vocabulary.technicians)
                let digest = String((0..<64).map { _ in Array("0123456789abcdef")[random.int(in: 0...15)] })
                records.auditEntries.append(AuditEntry(
                    tenantID: tenantID, id: random.identifier("aud"), occurredAt: date(time), tool: random.weighted(tools),
                    subject: "usr_" + technician.prefix { $0 != "@" }.lowercased().filter(\.isLetter), clientID: "demo-client",
                    grantID: random.identifier("grt"), tokenKind: "access_token", argumentDigest: digest, outcome: "ok", dryRun: false,
                    durationMilliseconds: Int64(random.int(in: 1...40)), ticketID: ticket.id, companyID: ticket.companyID
                ))
            }
        }
    }
}
