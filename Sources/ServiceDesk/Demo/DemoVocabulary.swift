/// The words the demo data is made of: customers an MSP in the US Midwest might have, the people there,
/// and what their tickets, alerts and backups say. Domains are under `.example` (RFC 2606), phone
/// numbers in 555-01xx (reserved for fiction).
public enum DemoVocabulary {
    struct Customer {
        let name: String
        /// Device name prefix, e.g. `HDG` in `HDG-LT-014`.
        let code: String
        let slug: String
        let city: String
        let headcount: Int
    }

    static let customers: [Customer] = [
        Customer(name: "Harbor Dental Group", code: "HDG", slug: "harbordental", city: "Milwaukee, WI", headcount: 45),
        Customer(name: "Pinecrest Family Practice", code: "PFP", slug: "pinecrestfp", city: "Madison, WI", headcount: 30),
        Customer(name: "Meridian Law LLP", code: "MLL", slug: "meridianlaw", city: "Chicago, IL", headcount: 60),
        Customer(name: "Bluewater Logistics", code: "BWL", slug: "bluewaterlogistics", city: "Gary, IN", headcount: 120),
        Customer(name: "Oakridge Veterinary Clinic", code: "ORV", slug: "oakridgevet", city: "Naperville, IL", headcount: 18),
        Customer(name: "Summit Accounting Partners", code: "SAP", slug: "summitcpa", city: "Minneapolis, MN", headcount: 35),
        Customer(name: "Lakeside Montessori School", code: "LMS", slug: "lakesidemontessori", city: "Evanston, IL", headcount: 50),
        Customer(name: "Redline Auto Body", code: "RAB", slug: "redlineautobody", city: "Joliet, IL", headcount: 14),
        Customer(name: "Cedar & Stone Architects", code: "CSA", slug: "cedarstone", city: "St. Paul, MN", headcount: 28),
        Customer(name: "Northfield Credit Union", code: "NCU", slug: "northfieldcu", city: "Northfield, MN", headcount: 85),
        Customer(name: "Brightpath Home Care", code: "BHC", slug: "brightpathcare", city: "Rockford, IL", headcount: 70),
        Customer(name: "Ironwood Manufacturing", code: "IWM", slug: "ironwoodmfg", city: "Kenosha, WI", headcount: 160),
        Customer(name: "Sage Wellness Spa", code: "SWS", slug: "sagewellness", city: "Oak Park, IL", headcount: 12),
        Customer(name: "Prairie Grain Cooperative", code: "PGC", slug: "prairiegrain", city: "Champaign, IL", headcount: 40),
        Customer(name: "Elm Street Pediatrics", code: "ESP", slug: "elmstreetpeds", city: "Schaumburg, IL", headcount: 25),
        Customer(name: "Keystone Property Management", code: "KPM", slug: "keystonepm", city: "Chicago, IL", headcount: 55),
        Customer(name: "Riverbend Brewing Company", code: "RBC", slug: "riverbendbrewing", city: "Green Bay, WI", headcount: 22),
        Customer(name: "Hartwell Insurance Agency", code: "HIA", slug: "hartwellins", city: "Peoria, IL", headcount: 20),
        Customer(name: "Granite Peak Engineering", code: "GPE", slug: "granitepeak", city: "Duluth, MN", headcount: 48),
        Customer(name: "Willow Creek Senior Living", code: "WCS", slug: "willowcreekliving", city: "Appleton, WI", headcount: 95),
        Customer(name: "Copperline Electrical", code: "CLE", slug: "copperline", city: "Aurora, IL", headcount: 32),
        Customer(name: "Bayview Orthodontics", code: "BVO", slug: "bayvieworthodontics", city: "Racine, WI", headcount: 16),
        Customer(name: "Fairmont Title & Escrow", code: "FTE", slug: "fairmonttitle", city: "Bloomington, IL", headcount: 26),
        Customer(name: "Northstar Physical Therapy", code: "NPT", slug: "northstarpt", city: "Rochester, MN", headcount: 34),
        Customer(name: "Crescent City Realty", code: "CCR", slug: "crescentrealty", city: "Springfield, IL", headcount: 19),
        Customer(name: "Anchor Marine Supply", code: "AMS", slug: "anchormarine", city: "Sheboygan, WI", headcount: 24),
        Customer(name: "Maple Leaf Bakery", code: "MLB", slug: "mapleleafbakery", city: "Eau Claire, WI", headcount: 15),
        Customer(name: "Vantage Financial Advisors", code: "VFA", slug: "vantagefa", city: "Wheaton, IL", headcount: 22),
        Customer(name: "Evergreen Landscaping", code: "EVL", slug: "evergreenscapes", city: "Lake Forest, IL", headcount: 38),
        Customer(name: "Silverline Staffing", code: "SLS", slug: "silverlinestaffing", city: "Chicago, IL", headcount: 42),
        Customer(name: "Hillcrest Community Church", code: "HCC", slug: "hillcrestchurch", city: "Waukesha, WI", headcount: 11),
        Customer(name: "Tri-County Food Bank", code: "TCF", slug: "tricountyfood", city: "Janesville, WI", headcount: 27),
        Customer(name: "Beacon Imaging Center", code: "BIC", slug: "beaconimaging", city: "Oshkosh, WI", headcount: 36),
        Customer(name: "Foxglove Interiors", code: "FGI", slug: "foxglove", city: "Highland Park, IL", headcount: 9),
        Customer(name: "Stonebridge Wealth Management", code: "SWM", slug: "stonebridgewm", city: "Edina, MN", headcount: 29),
        Customer(name: "Midtown Physiotherapy", code: "MTP", slug: "midtownphysio", city: "Minneapolis, MN", headcount: 17),
        Customer(name: "Kessler & Ward CPAs", code: "KWC", slug: "kesslerward", city: "Decatur, IL", headcount: 31),
        Customer(name: "Patriot HVAC Services", code: "PHS", slug: "patriothvac", city: "Elgin, IL", headcount: 44),
        Customer(name: "Clearwater Optometry", code: "CWO", slug: "clearwatereyes", city: "La Crosse, WI", headcount: 13),
        Customer(name: "Union Square Bistro Group", code: "USB", slug: "unionsquarebistro", city: "Chicago, IL", headcount: 65),
    ]

    static let firstNames = [
        "Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Sophia", "Mason", "Isabella", "Lucas", "Mia", "Logan", "Amelia", "James",
        "Harper", "Benjamin", "Evelyn", "Jacob", "Abigail", "Michael", "Emily", "Daniel", "Ella", "Henry", "Grace", "Jackson", "Chloe",
        "Samuel", "Victoria", "David", "Riley", "Joseph", "Aria", "Carter", "Lily", "Owen", "Zoe", "Wyatt", "Nora", "John", "Hannah",
        "Luke", "Layla", "Gabriel", "Scarlett", "Anthony", "Maya", "Isaac", "Priya", "Mateo", "Fatima", "Kenji", "Ana", "Tariq",
    ]

    static let lastNames = [
        "Anderson", "Brooks", "Carter", "Diaz", "Evans", "Foster", "Garcia", "Hughes", "Iverson", "Jensen", "Kowalski", "Larson",
        "Martinez", "Nguyen", "Olson", "Patel", "Quinn", "Rivera", "Schultz", "Thompson", "Underwood", "Vasquez", "Walsh", "Xiong",
        "Young", "Zimmerman", "Bennett", "Coleman", "Dunn", "Erickson", "Fischer", "Gonzalez", "Hansen", "Johnson", "Kim", "Lindqvist",
        "Murphy", "Novak", "O'Brien", "Peterson", "Reyes", "Sorensen", "Tran", "Wagner",
    ]

    static let contactTitles = ["Office Manager", "Operations Director", "Practice Manager", "Owner", "Finance Manager", "Head of HR"]

    static let streets = ["Main St", "Lake Ave", "Commerce Dr", "Oak St", "Industrial Pkwy", "Washington Blvd", "Center St", "Park Rd"]

    /// The MSP's own technicians, by the email tickets name as assignee. `demo@gatehouse.local` is the
    /// person Deploy/run creates; a technician made with `auth-server admin user add --email
    /// priya.shah@gatehouse.local --role technician` finds that person's tickets with list_my_assignments.
    public static let technicians = [
        "demo@gatehouse.local", "priya.shah@gatehouse.local", "marcus.reed@gatehouse.local", "elena.garcia@gatehouse.local",
        "tom.becker@gatehouse.local", "aisha.okafor@gatehouse.local",
    ]

    static let applications = ["Adobe Acrobat Pro", "QuickBooks Desktop", "Zoom", "AutoCAD LT", "Dentrix", "Slack", "Visio", "7-Zip", "Chrome"]

    /// A kind of ticket: how it is titled and how its thread goes. `{person}`, `{device}`, `{site}` and
    /// `{app}` are filled in per ticket.
    struct TicketTopic {
        let subjects: [String]
        let openings: [String]
        let replies: [String]
        let internalNotes: [String]
        let customerReplies: [String]
        let resolutions: [String]
        let weight: Int

        /// Opened by monitoring rather than by a person.
        var isAutomatic: Bool { openings.allSatisfy { $0.hasPrefix("Automatic ticket") } }
    }

    static let topics: [TicketTopic] = [
        TicketTopic(
            subjects: ["Password reset for {person}", "{person} locked out of their account", "Can't sign in - password expired"],
            openings: [
                "Hi, {person} can't log in this morning, it says the password is incorrect. Can you reset it please?",
                "I've been locked out after trying my password too many times. I need to get into email urgently.",
            ],
            replies: ["I've reset the password and sent a temporary one by text to the number on file. You'll be asked to change it at sign-in."],
            internalNotes: [
                "Account locked by repeated failures from an old phone still syncing mail. Removed the stale ActiveSync partnership.",
                "Verified identity by callback to the office line before resetting.",
            ],
            customerReplies: ["Thanks, that worked.", "Got in now, thank you!"],
            resolutions: ["Password reset and the account unlocked; sign-in confirmed working."],
            weight: 14
        ),
        TicketTopic(
            subjects: ["Printer on {site} not printing", "Front desk printer showing offline", "Paper jam error that won't clear", "Printing stuck in queue"],
            openings: [
                "The printer at {site} shows offline for everyone since this morning. We've turned it off and on.",
                "Jobs go to the queue but nothing comes out of the printer.",
            ],
            replies: ["We can see the print queue is stuck. We're restarting the spooler on the print server and will check the printer's IP."],
            internalNotes: [
                "Printer picked up a new DHCP lease after the power cut; the port still pointed at the old address. Set a reservation.",
                "Print spooler on the server had hung on a corrupt job; cleared the queue and restarted the service.",
            ],
            customerReplies: ["It's printing again, thanks.", "Still nothing on the second floor one."],
            resolutions: ["Printer back online; a DHCP reservation now keeps its address fixed."],
            weight: 10
        ),
        TicketTopic(
            subjects: ["VPN disconnects every few minutes", "Can't connect to VPN from home", "VPN connected but no access to files"],
            openings: [
                "Working from home today and the VPN keeps dropping, every 5 minutes or so.",
                "The VPN client says 'connection timed out' and I can't reach the shared drive.",
            ],
            replies: ["Could you tell us your home internet provider and whether you're on Wi-Fi? We're checking the firewall logs for your connection."],
            internalNotes: [
                "Firewall logs show IKE renegotiation failures; client on an old FortiClient version. Pushed the update through RMM.",
                "User's home router blocks UDP 4500. Switched the profile to SSL VPN as a workaround.",
            ],
            customerReplies: ["I'm on Wi-Fi with Comcast.", "Seems stable now after the update."],
            resolutions: ["VPN client updated and the connection has stayed up for a full day."],
            weight: 8
        ),
        TicketTopic(
            subjects: ["Outlook keeps asking for password", "Shared mailbox not showing in Outlook", "Emails stuck in outbox", "M365 mailbox full"],
            openings: [
                "Outlook keeps popping up a password prompt every few minutes, even after I type it in.",
                "I can't see the shared accounts@ mailbox in Outlook anymore.",
            ],
            replies: ["We're looking at your Microsoft 365 account now. Please leave Outlook open; we may need to connect remotely."],
            internalNotes: [
                "Stale credentials in Windows Credential Manager after the password change. Cleared them and rebuilt the Outlook profile.",
                "Mailbox at 49.5 GB of 50 GB. Enabled the online archive and an auto-archive policy for items older than 2 years.",
            ],
            customerReplies: ["The prompt is gone now.", "I can see the mailbox again, thanks."],
            resolutions: ["Outlook profile rebuilt; mail is syncing normally."],
            weight: 10
        ),
        TicketTopic(
            subjects: ["Teams calls dropping", "No audio in Teams meetings", "Teams won't open on {device}"],
            openings: ["Teams calls keep dropping after a couple of minutes, other people hear me robotic."],
            replies: ["Can you run the Teams network test from Settings and send us a screenshot?"],
            internalNotes: ["Laptop was on the guest Wi-Fi with client isolation; moved it to the staff SSID and set QoS for Teams on the firewall."],
            customerReplies: ["Screenshot attached.", "Calls have been fine today."],
            resolutions: ["Call quality is back to normal after the network change."],
            weight: 5
        ),
        TicketTopic(
            subjects: ["OneDrive not syncing", "SharePoint files showing sync errors", "Lost a file in the shared drive"],
            openings: ["OneDrive has a red cross and says it can't sync some files.", "I saved a spreadsheet yesterday and now I can't find it."],
            replies: ["We'll check your OneDrive sync status and the file's version history in SharePoint."],
            internalNotes: ["Path too long: nested folders exceeded 400 characters. Shortened the folder names with the user.", "Restored the file from the SharePoint recycle bin."],
            customerReplies: ["Found it, thank you so much!"],
            resolutions: ["Sync errors cleared; all files are up to date."],
            weight: 6
        ),
        TicketTopic(
            subjects: ["Backup job failed on {device}", "Nightly backup failed", "Backup warning: files skipped"],
            openings: ["Automatic ticket: the nightly backup job for {device} reported a failure."],
            replies: ["We're investigating the failed backup and will re-run it once the cause is fixed."],
            internalNotes: [
                "VSS writer for SQL Server timed out. Restarted the SQL VSS Writer service and re-ran the job manually: succeeded.",
                "Backup target NAS was at 98% capacity. Pruned old restore points per the retention policy.",
            ],
            customerReplies: [],
            resolutions: ["Backup re-run succeeded and last night's job completed normally."],
            weight: 6
        ),
        TicketTopic(
            subjects: ["New starter: {person} starting Monday", "New employee setup for {person}", "Onboarding: laptop and accounts for {person}"],
            openings: ["We have a new hire, {person}, starting Monday. They need a laptop, email and access to the shared drive like the rest of the front office."],
            replies: ["Thanks! We'll create the account, license Microsoft 365 and prepare a laptop. Which department's permissions should they have?"],
            internalNotes: ["Created the account, assigned M365 Business Premium, added to the front office groups. Laptop {device} imaged and enrolled in Intune."],
            customerReplies: ["Same as the front office team please."],
            resolutions: ["Account and laptop are ready; sign-in details handed to the office manager."],
            weight: 7
        ),
        TicketTopic(
            subjects: ["Leaver: disable account for {person}", "Staff member leaving Friday: {person}"],
            openings: ["{person} leaves on Friday. Please disable their access at 5pm and forward their email to the manager."],
            replies: ["We'll disable the account at 5pm Friday, convert the mailbox to a shared mailbox and give the manager access."],
            internalNotes: ["Account disabled, sessions revoked, mailbox converted to shared, license removed. Laptop to be collected."],
            customerReplies: ["Perfect, thanks."],
            resolutions: ["Access removed as requested and the mailbox shared with the manager."],
            weight: 5
        ),
        TicketTopic(
            subjects: ["Laptop running very slow", "{device} freezing several times a day", "Computer takes 10 minutes to start"],
            openings: ["My laptop has become really slow over the last week, opening anything takes ages."],
            replies: ["We'll connect remotely this afternoon to look at what's using the resources. Is 2pm okay?"],
            internalNotes: ["Disk 96% full with old Teams cache and Downloads. Cleaned up 40 GB; SMART status fine.", "Only 8 GB RAM with heavy Chrome use; quoted a RAM upgrade."],
            customerReplies: ["2pm works.", "Much faster now."],
            resolutions: ["Laptop cleaned up and running at normal speed."],
            weight: 8
        ),
        TicketTopic(
            subjects: ["Wi-Fi down at {site}", "Internet very slow at {site}", "No network in the conference room"],
            openings: ["Nobody at {site} can get on the internet since about 9am."],
            replies: ["We can see the site's firewall is up. We're checking the access points and the ISP link now."],
            internalNotes: ["ISP outage confirmed by the provider, ticket opened with them. Failover LTE link took over at 9:12.", "PoE switch port for the AP was flapping; replaced the patch cable."],
            customerReplies: ["It's back, thank you!"],
            resolutions: ["Internet restored; the ISP fixed a fault on their side."],
            weight: 6
        ),
        TicketTopic(
            subjects: ["Suspicious email reported", "Phishing email - did I click a bad link?", "Fake invoice email received"],
            openings: ["I got an email asking me to pay an invoice from a supplier we don't use. I clicked the link but didn't enter anything."],
            replies: ["Thanks for reporting it quickly. We're removing the message from all mailboxes and checking your account's sign-ins."],
            internalNotes: ["No suspicious sign-ins. Purged the message from 14 mailboxes with a content search; blocked the sender domain.", "Reset the password as a precaution and revoked sessions."],
            customerReplies: ["Thank you, I'll be more careful."],
            resolutions: ["Message removed tenant-wide; no sign of compromise."],
            weight: 6
        ),
        TicketTopic(
            subjects: ["Please install {app}", "Software request: {app}", "{app} license needed"],
            openings: ["Could you install {app} on my computer please? My manager has approved it."],
            replies: ["We'll push {app} to your computer through our management tool this afternoon."],
            internalNotes: ["Deployed {app} via RMM software policy."],
            customerReplies: ["It's there now, thanks."],
            resolutions: ["{app} installed and working."],
            weight: 6
        ),
        TicketTopic(
            subjects: ["New phone - need to set up MFA", "Authenticator app not working after phone upgrade"],
            openings: ["I got a new phone and the Microsoft Authenticator codes don't work any more."],
            replies: ["We'll clear your registered methods so you can set up the app on the new phone at next sign-in."],
            internalNotes: ["Identity confirmed by video call. Required re-registration of MFA methods."],
            customerReplies: ["All set up now."],
            resolutions: ["MFA re-registered on the new phone."],
            weight: 5
        ),
        TicketTopic(
            subjects: ["Need access to the Finance folder", "Permission denied on shared drive", "Access to the HR share for {person}"],
            openings: ["I get 'access denied' when opening the Finance folder on the shared drive. I should have access for month end."],
            replies: ["We need the folder owner's approval for that. We've emailed them and will add you once they confirm."],
            internalNotes: ["Approval received from the finance manager. Added the user to the Finance-RW group."],
            customerReplies: ["Approved, please go ahead."],
            resolutions: ["Access granted; the user needs to sign out and back in."],
            weight: 6
        ),
        TicketTopic(
            subjects: ["Server disk space low on {device}", "Low disk space warning on file server"],
            openings: ["Automatic ticket: {device} has less than 10% free space on drive D:."],
            replies: ["We're reviewing what's using space on the server and will free some up out of hours."],
            internalNotes: ["IIS logs had grown to 120 GB; added log rotation. Shadow copies capped at 10%."],
            customerReplies: [],
            resolutions: ["Free space back above 35%; log rotation in place."],
            weight: 4
        ),
        TicketTopic(
            subjects: ["Monitor flickering", "Docking station not detecting screens", "Keyboard and mouse not working on {device}"],
            openings: ["My second screen keeps going black every few seconds."],
            replies: ["Could you try a different cable? If that doesn't help we'll send a replacement."],
            internalNotes: ["Dock firmware out of date; updated. Replacement DisplayPort cable shipped."],
            customerReplies: ["Different cable didn't help.", "New cable fixed it."],
            resolutions: ["Hardware issue fixed with a firmware update and new cable."],
            weight: 5
        ),
        TicketTopic(
            subjects: ["Scan to email not working", "Scanner stopped sending to email"],
            openings: ["The copier won't send scans to email any more, it says 'SMTP error'."],
            replies: ["Microsoft changed how devices can send mail; we'll reconfigure the copier to use the SMTP relay."],
            internalNotes: ["Basic auth SMTP disabled by Microsoft. Set up an SMTP relay connector restricted to the office IP."],
            customerReplies: ["Scans are coming through again."],
            resolutions: ["Scan to email working through the new relay."],
            weight: 4
        ),
    ]

    struct AlertKind {
        let title: String
        let severity: Alert.Severity
        let source: String
        let assetKinds: [Asset.Kind]
    }

    static let alertKinds: [AlertKind] = [
        AlertKind(title: "Disk C: below 10% free space", severity: .warning, source: "RMM", assetKinds: [.workstation, .laptop, .server]),
        AlertKind(title: "Disk D: below 5% free space", severity: .critical, source: "RMM", assetKinds: [.server]),
        AlertKind(title: "CPU above 95% for 15 minutes", severity: .warning, source: "RMM", assetKinds: [.server, .workstation]),
        AlertKind(title: "Memory usage above 90%", severity: .warning, source: "RMM", assetKinds: [.server]),
        AlertKind(title: "RAID array degraded", severity: .critical, source: "RMM", assetKinds: [.server]),
        AlertKind(title: "Service 'Veeam Backup Service' stopped", severity: .critical, source: "RMM", assetKinds: [.server]),
        AlertKind(title: "Pending reboot after updates for 7 days", severity: .info, source: "Patch management", assetKinds: [.server, .workstation, .laptop]),
        AlertKind(title: "Antivirus definitions out of date", severity: .warning, source: "Endpoint protection", assetKinds: [.workstation, .laptop]),
        AlertKind(title: "Threat quarantined: Trojan:Win32/Wacatac", severity: .critical, source: "Endpoint protection", assetKinds: [.workstation, .laptop]),
        AlertKind(title: "Agent offline for 24 hours", severity: .warning, source: "RMM", assetKinds: [.workstation, .laptop, .server]),
        AlertKind(title: "BitLocker protection suspended", severity: .warning, source: "RMM", assetKinds: [.laptop]),
        AlertKind(title: "SMART predicts disk failure", severity: .critical, source: "RMM", assetKinds: [.workstation, .laptop, .server]),
        AlertKind(title: "WAN link down", severity: .critical, source: "Firewall monitor", assetKinds: [.network]),
        AlertKind(title: "High packet loss on WAN", severity: .warning, source: "Firewall monitor", assetKinds: [.network]),
        AlertKind(title: "Firmware update available", severity: .info, source: "Firewall monitor", assetKinds: [.network]),
        AlertKind(title: "Toner low", severity: .info, source: "Print monitor", assetKinds: [.printer]),
        AlertKind(title: "Printer offline", severity: .warning, source: "Print monitor", assetKinds: [.printer]),
        AlertKind(title: "Device not checked in for 14 days", severity: .info, source: "MDM", assetKinds: [.mobile]),
        AlertKind(title: "OS version out of date", severity: .info, source: "MDM", assetKinds: [.mobile]),
    ]

    static let operatingSystems: [Asset.Kind: [String]] = [
        .workstation: ["Windows 11 Pro 23H2", "Windows 11 Pro 24H2", "Windows 10 Pro 22H2"],
        .laptop: ["Windows 11 Pro 23H2", "Windows 11 Pro 24H2", "Windows 10 Pro 22H2", "macOS 14 Sonoma", "macOS 15 Sequoia"],
        .server: ["Windows Server 2022 Standard", "Windows Server 2019 Standard", "Ubuntu 22.04 LTS", "VMware ESXi 8.0"],
        .network: ["FortiOS 7.2.8", "FortiOS 7.4.3", "UniFi OS 4.0", "Cisco IOS 15.2"],
        .printer: ["HP FutureSmart 5", "Brother firmware 1.2", "Canon imageRUNNER firmware"],
        .mobile: ["iOS 17.5", "iOS 18.1", "Android 14"],
    ]

    static let backupVendors = ["Veeam", "Datto", "Acronis", "Axcient"]

    static let backupFailures = [
        "VSS snapshot failed: writer 'SqlServerWriter' timed out",
        "Target storage is full (0 bytes free on \\\\NAS01\\backups)",
        "Network path not found: \\\\NAS01\\backups",
        "Authentication to Microsoft 365 failed: the app's token expired",
        "Job was stopped: the previous run was still in progress",
        "Cloud upload failed after 3 retries: connection reset",
    ]

    static let backupWarnings = ["3 files skipped because they were in use", "Job ran past its backup window by 47 minutes", "Retention policy could not delete 2 old restore points"]
}
