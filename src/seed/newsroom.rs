//! The demo newsroom's content. Every place, person and event in it is invented.
//!
//! One article, the Harbor Accord analysis, has the shape of a full news page:
//! eight subheaded parts of bullet points, a conclusion, a further-reading block,
//! threaded comments, and enough neighbours to fill "Popular", "More like this"
//! and "Related". The other stories are generated from short briefs so every
//! section has months of history to page through.

use chrono::{DateTime, Duration, Utc};

use crate::domain::Newsdesk;
use crate::domain::actor::Actor;
use crate::domain::articles::FeaturedImage;
use crate::domain::comments::{self, CommentInput};
use crate::domain::ids::{ArticleId, CommentId, Slug};
use crate::domain::moderation::{self, Decision};
use crate::domain::publishing::{
    self, ArticleFields, ManagedArticle, RelatedLinkInput, Transition,
};
use crate::domain::taxonomy::{self, AuthorFields, SectionFields, TagFields};
use crate::error::Result;

fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("demo slugs are written by hand and valid")
}

const SECTIONS: &[(&str, &str, &str, Option<&str>)] = &[
    (
        "world",
        "World",
        "Reporting from capitals and borderlands.",
        None,
    ),
    (
        "middle-east",
        "Middle East",
        "Diplomacy, conflict and daily life across the region.",
        Some("world"),
    ),
    (
        "politics",
        "Politics",
        "Parliaments, campaigns and the people who run them.",
        None,
    ),
    (
        "business",
        "Business",
        "Markets, companies and the cost of living.",
        None,
    ),
    (
        "technology",
        "Technology",
        "The tools we build and what they do to us.",
        None,
    ),
    (
        "science",
        "Science",
        "Discoveries, and the slow work behind them.",
        None,
    ),
    (
        "climate",
        "Climate",
        "Weather, energy and adaptation.",
        None,
    ),
];

const AUTHORS: &[(&str, &str, &str)] = &[
    (
        "amara-okafor",
        "Amara Okafor",
        "Diplomatic correspondent, covering mediation and peace talks.",
    ),
    (
        "daniel-reyes",
        "Daniel Reyes",
        "Political reporter following parliament and campaigns.",
    ),
    (
        "hannah-lindqvist",
        "Hannah Lindqvist",
        "Economics editor; before that, a decade on the markets desk.",
    ),
    (
        "kenji-watanabe",
        "Kenji Watanabe",
        "Technology reporter writing about software, chips and privacy.",
    ),
    (
        "leila-haddad",
        "Leila Haddad",
        "Regional correspondent based on the eastern coast.",
    ),
    (
        "marcus-bell",
        "Marcus Bell",
        "Science writer with a soft spot for oceans and telescopes.",
    ),
    (
        "priya-raman",
        "Priya Raman",
        "Climate reporter covering energy, floods and farming.",
    ),
    (
        "sofia-marchetti",
        "Sofia Marchetti",
        "Senior analyst writing the weekly world briefing.",
    ),
    (
        "tomasz-nowak",
        "Tomasz Nowak",
        "Data reporter; turns spreadsheets into stories.",
    ),
];

const TAGS: &[(&str, &str)] = &[
    ("diplomacy", "Diplomacy"),
    ("ceasefire", "Ceasefire"),
    ("humanitarian", "Humanitarian aid"),
    ("elections", "Elections"),
    ("economy", "Economy"),
    ("markets", "Markets"),
    ("artificial-intelligence", "Artificial intelligence"),
    ("privacy", "Privacy"),
    ("energy", "Energy"),
    ("oceans", "Oceans"),
    ("space", "Space"),
    ("health", "Health"),
    ("housing", "Housing"),
    ("trade", "Trade"),
    ("analysis", "Analysis"),
];

/// A short brief from which a full story is written.
struct Brief {
    section: &'static str,
    title: &'static str,
    excerpt: &'static str,
    points: [&'static str; 3],
    tags: &'static [&'static str],
}

const BRIEFS: &[Brief] = &[
    // World and Middle East
    Brief {
        section: "world",
        title: "Northern Ports Reopen After Three-Week Dockworkers' Strike",
        excerpt: "Cargo is moving again in Calder Bay, but shippers warn the backlog will take a month to clear.",
        points: [
            "Unions accepted a two-year wage deal late on Sunday.",
            "More than 140 vessels waited offshore at the peak of the strike.",
            "Retailers expect shortages of some imported goods into next month.",
        ],
        tags: &["trade", "economy"],
    },
    Brief {
        section: "world",
        title: "Island Nations Press for Binding Sea-Level Fund at Summit",
        excerpt: "Leaders of twelve island states want pledges turned into a fund with a fixed payout formula.",
        points: [
            "The proposal ties payouts to measured coastal loss.",
            "Larger economies prefer voluntary contributions.",
            "A draft text is due before the closing session.",
        ],
        tags: &["diplomacy", "oceans"],
    },
    Brief {
        section: "world",
        title: "Border Crossing Talks Resume With a Narrow Agenda",
        excerpt: "Negotiators will discuss only trucking permits and customs hours, hoping small wins build trust.",
        points: [
            "Both delegations agreed to keep talks closed to the press.",
            "Freight operators lose an estimated two days per crossing.",
            "A follow-up round is pencilled in for next month.",
        ],
        tags: &["diplomacy", "trade"],
    },
    Brief {
        section: "world",
        title: "Aid Convoys Reach Valley Towns Cut Off by Landslides",
        excerpt: "Relief agencies used a reopened mountain road to deliver food, medicine and water filters.",
        points: [
            "Engineers cleared the road in nine days.",
            "Around 30,000 people were cut off for most of the month.",
            "Agencies say a second route is needed before winter.",
        ],
        tags: &["humanitarian"],
    },
    Brief {
        section: "world",
        title: "Regional Bloc Names First Woman to Lead Its Secretariat",
        excerpt: "The appointment ends months of deadlock among member states over the bloc's top administrative job.",
        points: [
            "She previously ran the bloc's trade mediation office.",
            "Her first priority is a shared visa system.",
            "Two member states abstained in the final vote.",
        ],
        tags: &["diplomacy"],
    },
    Brief {
        section: "middle-east",
        title: "Desalination Plant Deal Signed After Two Years of Talks",
        excerpt: "Three neighbouring states will share the output of a coastal plant, and the cost of running it.",
        points: [
            "The plant is expected to supply two million people.",
            "Water will be allocated by a joint technical committee.",
            "Construction is due to start in the spring.",
        ],
        tags: &["diplomacy", "energy"],
    },
    Brief {
        section: "middle-east",
        title: "Hospitals in Coastal City Report Fuel Shortfall",
        excerpt: "Doctors say generators can run for days, not weeks, without new deliveries.",
        points: [
            "Two hospitals have postponed planned surgery.",
            "Aid groups are negotiating a fuel corridor.",
            "Officials blame delays at a single inspection point.",
        ],
        tags: &["humanitarian", "health"],
    },
    Brief {
        section: "middle-east",
        title: "Mediators Float a Phased Prisoner Exchange",
        excerpt: "The proposal would release detainees in three stages, each tied to a verified pause in fighting.",
        points: [
            "Each stage would be monitored by a neutral observer team.",
            "Both sides have asked for changes to the lists.",
            "Families' groups are pressing for a faster timetable.",
        ],
        tags: &["ceasefire", "diplomacy"],
    },
    Brief {
        section: "middle-east",
        title: "Date Harvest Rebounds as Irrigation Canal Reopens",
        excerpt: "Farmers in the river valley expect their best season in five years.",
        points: [
            "The canal was repaired with funding from a regional development bank.",
            "Exporters have signed early contracts with buyers abroad.",
            "Water rights disputes remain unresolved downstream.",
        ],
        tags: &["trade", "economy"],
    },
    Brief {
        section: "middle-east",
        title: "Foreign Ministers Meet Quietly on Shipping Lane Security",
        excerpt: "The closed-door meeting focused on insurance costs that have doubled for cargo passing the strait.",
        points: [
            "Insurers now price in the risk of seizure.",
            "A joint patrol proposal was discussed but not agreed.",
            "Shipping firms have rerouted a fifth of traffic.",
        ],
        tags: &["diplomacy", "trade"],
    },
    // Politics
    Brief {
        section: "politics",
        title: "Coalition Survives Confidence Vote by Four Seats",
        excerpt: "The governing alliance held together, but two junior partners say their support is now conditional.",
        points: [
            "The vote followed a row over the housing budget.",
            "Opposition parties plan a second motion in the autumn.",
            "The prime minister promised a cabinet reshuffle.",
        ],
        tags: &["elections", "housing"],
    },
    Brief {
        section: "politics",
        title: "Electoral Commission Proposes Weekend Voting",
        excerpt: "Holding elections over two days could lift turnout among shift workers, the commission says.",
        points: [
            "Pilots in three districts raised turnout by six points.",
            "Counting would start on Sunday evening.",
            "Parliament must approve the change by a two-thirds majority.",
        ],
        tags: &["elections"],
    },
    Brief {
        section: "politics",
        title: "Mayors Demand Share of New Infrastructure Fund",
        excerpt: "City leaders say the national plan sends too much money to motorways and too little to transit.",
        points: [
            "Cities carry 70 percent of commuter traffic.",
            "The fund totals 40 billion over ten years.",
            "A revised allocation is expected before the budget.",
        ],
        tags: &["housing", "economy"],
    },
    Brief {
        section: "politics",
        title: "New Lobbying Register Goes Live With 900 Entries",
        excerpt: "Every meeting between ministers and paid lobbyists must now be published within a month.",
        points: [
            "Failure to register carries fines for the first time.",
            "Transparency groups want the deadline cut to a week.",
            "Searches of the register are free and need no account.",
        ],
        tags: &["analysis"],
    },
    Brief {
        section: "politics",
        title: "Youth Turnout Climbs in Regional Elections",
        excerpt: "Voters under 25 turned out in record numbers, driven by housing and climate concerns.",
        points: [
            "Turnout among under-25s rose to 58 percent.",
            "Two new parties won seats in regional assemblies.",
            "Pollsters say national parties misjudged the mood.",
        ],
        tags: &["elections", "housing"],
    },
    Brief {
        section: "politics",
        title: "Senate Committee Opens Inquiry Into Procurement Contracts",
        excerpt: "Lawmakers want to know why emergency contracts were extended without tender.",
        points: [
            "Twelve contracts worth 1.2 billion are under review.",
            "Officials will testify in public hearings.",
            "The ministry says every extension followed the rules.",
        ],
        tags: &["analysis"],
    },
    Brief {
        section: "politics",
        title: "Parliament Approves Plain-Language Rule for Tax Letters",
        excerpt: "Tax notices must now explain in plain words what is owed and why.",
        points: [
            "The rule takes effect at the start of the next tax year.",
            "Complaints about tax letters doubled in five years.",
            "A reading-age test will be applied to templates.",
        ],
        tags: &["economy"],
    },
    Brief {
        section: "politics",
        title: "Opposition Leader Sets Out Housing Pledge",
        excerpt: "The plan would allow taller buildings near train stations and cap some rents.",
        points: [
            "Builders welcomed the zoning changes.",
            "Landlord groups warned against rent caps.",
            "The government called the plan uncosted.",
        ],
        tags: &["housing", "elections"],
    },
    Brief {
        section: "politics",
        title: "Ministers Clash Over Digital Identity Scheme",
        excerpt: "The interior and finance ministries disagree on who should run the national ID app.",
        points: [
            "The app would replace paper certificates for most services.",
            "Privacy groups want data kept on the phone, not a server.",
            "A decision is expected before the summer recess.",
        ],
        tags: &["privacy"],
    },
    Brief {
        section: "politics",
        title: "Court Upholds New Campaign Spending Limits",
        excerpt: "Judges ruled that caps on third-party advertising do not breach free-speech protections.",
        points: [
            "The cap applies in the six months before a vote.",
            "Two advocacy groups had challenged the law.",
            "An appeal to the constitutional court is possible.",
        ],
        tags: &["elections"],
    },
    // Business
    Brief {
        section: "business",
        title: "Central Bank Holds Rates, Signals Cut Later This Year",
        excerpt: "Policymakers want more evidence that services inflation is cooling before easing.",
        points: [
            "The benchmark rate stays at 4.25 percent.",
            "Two of nine board members voted for a cut.",
            "Markets now price a first cut in the autumn.",
        ],
        tags: &["economy", "markets"],
    },
    Brief {
        section: "business",
        title: "Grocery Prices Ease for a Third Straight Month",
        excerpt: "Cheaper dairy and vegetables pulled food inflation to its lowest level in two years.",
        points: [
            "Food inflation fell to 2.1 percent.",
            "Supermarkets are competing harder on own-brand goods.",
            "Energy costs remain a risk for the winter.",
        ],
        tags: &["economy"],
    },
    Brief {
        section: "business",
        title: "Regional Airline Orders Forty Electric Commuter Planes",
        excerpt: "The carrier will fly nine-seat aircraft on routes shorter than 250 kilometres.",
        points: [
            "Deliveries start in three years if certification goes to plan.",
            "Charging points will be installed at eleven airports.",
            "Analysts question the range in cold weather.",
        ],
        tags: &["energy", "trade"],
    },
    Brief {
        section: "business",
        title: "Shipping Rates Fall as New Vessels Enter Service",
        excerpt: "A wave of container ships ordered during the boom is pushing freight prices down.",
        points: [
            "Spot rates on the main east-west route fell by a third.",
            "Older ships are being scrapped at a faster pace.",
            "Port congestion has eased almost everywhere.",
        ],
        tags: &["trade", "markets"],
    },
    Brief {
        section: "business",
        title: "Small Firms Struggle to Borrow Despite Cooling Inflation",
        excerpt: "Banks are still tightening lending standards for companies with fewer than fifty staff.",
        points: [
            "Loan rejections rose for the fourth quarter running.",
            "Owners report higher collateral demands.",
            "A state guarantee scheme expires in December.",
        ],
        tags: &["economy"],
    },
    Brief {
        section: "business",
        title: "Housing Starts Jump on Cheaper Construction Loans",
        excerpt: "Builders broke ground on the most homes in eighteen months.",
        points: [
            "Starts rose 14 percent from a year earlier.",
            "Most growth came from apartments near transit.",
            "Skilled labour shortages may limit further gains.",
        ],
        tags: &["housing", "economy"],
    },
    Brief {
        section: "business",
        title: "Stock Exchange Extends Trading Hours",
        excerpt: "The exchange will open an hour earlier to overlap with Asian markets.",
        points: [
            "The change starts after a three-month trial.",
            "Brokers worry about thinner liquidity at dawn.",
            "Retail investors can trade the new hours at no extra cost.",
        ],
        tags: &["markets"],
    },
    Brief {
        section: "business",
        title: "Textile Makers Bet on Recycled Fibre",
        excerpt: "Mills are converting production lines to spin yarn from used clothing.",
        points: [
            "Recycled fibre costs 15 percent more today.",
            "New labelling rules reward recycled content.",
            "Sorting old clothes remains the bottleneck.",
        ],
        tags: &["trade", "energy"],
    },
    Brief {
        section: "business",
        title: "Pension Funds Shift Into Infrastructure",
        excerpt: "Long-term investors are buying into toll roads, grids and fibre networks.",
        points: [
            "Infrastructure now makes up 9 percent of holdings.",
            "Returns are steadier than listed shares.",
            "Regulators are reviewing valuation practices.",
        ],
        tags: &["markets", "energy"],
    },
    Brief {
        section: "business",
        title: "Tourism Spending Beats Pre-Pandemic Record",
        excerpt: "Visitors spent more than ever this summer, though they stayed fewer nights.",
        points: [
            "Spending rose 8 percent on the previous record year.",
            "Average stays fell to 4.2 nights.",
            "Coastal towns want a share of the tourist tax.",
        ],
        tags: &["economy"],
    },
    // Technology
    Brief {
        section: "technology",
        title: "Hospitals Trial AI Triage, With a Human in the Loop",
        excerpt: "Emergency departments are testing software that suggests who should be seen first.",
        points: [
            "Nurses can override every suggestion.",
            "Early results show shorter waits for the sickest patients.",
            "Patient groups want the model's errors published.",
        ],
        tags: &["artificial-intelligence", "health"],
    },
    Brief {
        section: "technology",
        title: "Privacy Regulator Fines Ad Broker Over Location Data",
        excerpt: "The company sold movement data that could identify individual visitors to clinics.",
        points: [
            "The fine is the largest the regulator has issued.",
            "The firm must delete data collected without consent.",
            "It plans to appeal.",
        ],
        tags: &["privacy"],
    },
    Brief {
        section: "technology",
        title: "Chip Plant Breaks Ground on Former Airfield",
        excerpt: "The factory will make power chips for cars and wind turbines.",
        points: [
            "It will employ 1,800 people when complete.",
            "Water use has been a local concern.",
            "Production is planned within three years.",
        ],
        tags: &["trade", "energy"],
    },
    Brief {
        section: "technology",
        title: "Open-Source Project Ships Offline Translation for Forty Languages",
        excerpt: "The models run on ordinary laptops and never send text to a server.",
        points: [
            "Volunteers built training sets for smaller languages.",
            "Accuracy trails commercial services by a few points.",
            "Aid agencies are among the first users.",
        ],
        tags: &["artificial-intelligence", "privacy"],
    },
    Brief {
        section: "technology",
        title: "Schools Adopt Phone-Free Days",
        excerpt: "More than 300 schools now lock phones away for the whole school day.",
        points: [
            "Teachers report fewer disruptions in class.",
            "Parents worry about reaching children in emergencies.",
            "Researchers are studying effects on attention.",
        ],
        tags: &["health"],
    },
    Brief {
        section: "technology",
        title: "Broadband Subsidy Reaches Last Rural Valleys",
        excerpt: "Fibre now reaches 96 percent of homes, up from 71 percent four years ago.",
        points: [
            "The remaining homes will be offered satellite links.",
            "Farmers use the links for sensors and sales.",
            "The subsidy ends next year.",
        ],
        tags: &["economy"],
    },
    Brief {
        section: "technology",
        title: "Newsrooms Test Automated Fact-Check Alerts",
        excerpt: "Editors get a warning when a quoted figure conflicts with official statistics.",
        points: [
            "Alerts are suggestions, never edits.",
            "False alarms fell after a month of tuning.",
            "The tool logs every source it checks.",
        ],
        tags: &["artificial-intelligence", "analysis"],
    },
    Brief {
        section: "technology",
        title: "Ride-Hailing Drivers Win Access to Their Own Data",
        excerpt: "A tribunal ruled drivers may download the records used to rate and pay them.",
        points: [
            "Drivers can request data once a month.",
            "Unions plan to pool data to study pay.",
            "The platform says it will comply.",
        ],
        tags: &["privacy"],
    },
    Brief {
        section: "technology",
        title: "Data Centre Heat to Warm a Town's Homes",
        excerpt: "Waste heat from servers will feed the district heating network from next winter.",
        points: [
            "The scheme covers 4,000 homes.",
            "It cuts the network's gas use by a quarter.",
            "Similar projects are planned in two other towns.",
        ],
        tags: &["energy"],
    },
    Brief {
        section: "technology",
        title: "Password Managers Add Passkey Sharing for Families",
        excerpt: "Households can now share passkeys for streaming and banking without sharing passwords.",
        points: [
            "Shared keys can be revoked from one screen.",
            "Security researchers welcomed the design.",
            "Banks are slower to support passkeys.",
        ],
        tags: &["privacy"],
    },
    // Science
    Brief {
        section: "science",
        title: "Deep-Sea Survey Finds Coral Thriving Below Heat Layer",
        excerpt: "Reefs sixty metres down escaped the bleaching that hit shallower waters.",
        points: [
            "Divers used robots to map the deeper reefs.",
            "Cooler water may offer a refuge for some species.",
            "Scientists warn the refuge is not a rescue.",
        ],
        tags: &["oceans"],
    },
    Brief {
        section: "science",
        title: "Space Telescope Spots Water Vapour on Nearby Planet",
        excerpt: "The signal is faint but repeated across three observations.",
        points: [
            "The planet orbits a small red star.",
            "Water vapour does not mean liquid water.",
            "More observing time has been requested.",
        ],
        tags: &["space"],
    },
    Brief {
        section: "science",
        title: "Malaria Vaccine Rollout Expands to Six More Countries",
        excerpt: "Health ministries will add the vaccine to routine childhood schedules.",
        points: [
            "Trials showed a sharp fall in severe cases.",
            "Cold storage is the main obstacle.",
            "Donors have funded doses for three years.",
        ],
        tags: &["health"],
    },
    Brief {
        section: "science",
        title: "Lunar Lander Sends First Images From Polar Crater",
        excerpt: "The robotic lander touched down near ice-filled shadows at the south pole.",
        points: [
            "It carries a drill to sample the ice.",
            "Batteries limit the mission to two weeks.",
            "Images show boulders larger than expected.",
        ],
        tags: &["space"],
    },
    Brief {
        section: "science",
        title: "Researchers Track Eels on a Record Ocean Migration",
        excerpt: "Tagged eels swam more than 5,000 kilometres to their spawning grounds.",
        points: [
            "Satellite tags popped up after several months.",
            "The eels dove deeper by day than by night.",
            "Eel numbers have fallen by 90 percent since the 1980s.",
        ],
        tags: &["oceans"],
    },
    Brief {
        section: "science",
        title: "Antibiotic Found in Soil Sample From School Project",
        excerpt: "A compound first spotted by students kills drug-resistant bacteria in lab tests.",
        points: [
            "The compound has not yet been tested in animals.",
            "Students collected samples from playgrounds.",
            "The university will share any royalties with the school.",
        ],
        tags: &["health"],
    },
    Brief {
        section: "science",
        title: "Citizen Scientists Map Light Pollution Street by Street",
        excerpt: "Volunteers measured night-sky brightness in 2,000 places over a year.",
        points: [
            "Sky brightness rose 9 percent in two years.",
            "Some towns switched to warmer, dimmer street lights.",
            "The data is free for anyone to download.",
        ],
        tags: &["space"],
    },
    Brief {
        section: "science",
        title: "Gene Study Explains Why Some Crops Survive Drought",
        excerpt: "A single gene family helps roots grow deeper when soil dries out.",
        points: [
            "The finding could speed up plant breeding.",
            "Field trials will start next season.",
            "The research took eight years.",
        ],
        tags: &["health", "energy"],
    },
    Brief {
        section: "science",
        title: "Earthquake Early Warning Reaches Phones Nationwide",
        excerpt: "Alerts can now reach phones seconds before shaking arrives.",
        points: [
            "Seconds are enough to stop trains and lifts.",
            "False alerts were rare in a year of testing.",
            "Schools will practise drills each term.",
        ],
        tags: &["analysis"],
    },
    Brief {
        section: "science",
        title: "Whale Songs Change Key as Oceans Get Noisier",
        excerpt: "Recordings over twenty years show songs shifting to cut through ship noise.",
        points: [
            "The shift is strongest near busy shipping lanes.",
            "Quieter ship propellers could help.",
            "The archive is being opened to researchers.",
        ],
        tags: &["oceans"],
    },
    // Climate
    Brief {
        section: "climate",
        title: "Heat Pump Sales Overtake Gas Boilers for First Time",
        excerpt: "Subsidies and high gas prices tipped the balance in new installations.",
        points: [
            "Heat pumps made up 52 percent of installations.",
            "Installers are training thousands of new fitters.",
            "Older homes need insulation first.",
        ],
        tags: &["energy"],
    },
    Brief {
        section: "climate",
        title: "River Towns Build Floodplains Instead of Higher Walls",
        excerpt: "Letting fields flood on purpose protects town centres downstream.",
        points: [
            "Farmers are paid for fields that flood in winter.",
            "The first scheme held back a hundred-year flood.",
            "Insurers are cutting premiums in protected streets.",
        ],
        tags: &["housing"],
    },
    Brief {
        section: "climate",
        title: "Offshore Wind Auction Draws Record Bids",
        excerpt: "Developers offered to build at prices below those of new gas plants.",
        points: [
            "The auction awarded nine gigawatts of capacity.",
            "Turbines will be built at two local ports.",
            "Grid connections are the biggest delay.",
        ],
        tags: &["energy", "oceans"],
    },
    Brief {
        section: "climate",
        title: "Drought Forces Water Rationing in Farming Belt",
        excerpt: "Farmers face cuts of up to 40 percent as reservoirs fall to record lows.",
        points: [
            "Reservoirs are at 23 percent of capacity.",
            "Fruit growers are most exposed.",
            "Cities have been asked to cut use by a tenth.",
        ],
        tags: &["economy"],
    },
    Brief {
        section: "climate",
        title: "Cities Plant Shade Trees Along Bus Routes",
        excerpt: "Tree-lined stops can be up to eight degrees cooler on hot afternoons.",
        points: [
            "Ten thousand trees will be planted by next summer.",
            "Species were chosen to cope with drought.",
            "Bus ridership rises on shaded routes.",
        ],
        tags: &["health", "housing"],
    },
    Brief {
        section: "climate",
        title: "Glacier Melt Season Starts Three Weeks Early",
        excerpt: "Alpine monitoring stations recorded the earliest melt in 50 years of records.",
        points: [
            "Snow cover was thin after a mild winter.",
            "Hydropower output may fall in late summer.",
            "Mountain huts are closing unsafe paths.",
        ],
        tags: &["energy"],
    },
    Brief {
        section: "climate",
        title: "Battery Storage Smooths Evening Price Spikes",
        excerpt: "Grid batteries now cover the hour when solar fades and demand peaks.",
        points: [
            "Peak prices fell by a fifth this year.",
            "Storage capacity tripled in two years.",
            "Regulators want batteries at every substation.",
        ],
        tags: &["energy", "markets"],
    },
    Brief {
        section: "climate",
        title: "Fishing Fleets Agree to Close Spawning Grounds",
        excerpt: "Boats will stay out of three spawning areas for two months each spring.",
        points: [
            "Cod stocks are at a third of their historic level.",
            "Fishers will be compensated for lost days.",
            "Scientists will review the closures in three years.",
        ],
        tags: &["oceans", "trade"],
    },
    Brief {
        section: "climate",
        title: "Wildfire Season Tests New Early-Detection Cameras",
        excerpt: "Cameras on towers spotted smoke minutes before the first emergency calls.",
        points: [
            "Forty cameras now cover the pine belt.",
            "Software flags smoke for a human to confirm.",
            "Fire crews reached two fires within half an hour.",
        ],
        tags: &["artificial-intelligence"],
    },
    Brief {
        section: "climate",
        title: "Insurers Map Which Streets Will Flood by 2050",
        excerpt: "A shared flood model will be used to price policies and plan defences.",
        points: [
            "One home in twelve is in a high-risk zone.",
            "Homeowners can look up their street online.",
            "Councils want the model used for planning permits.",
        ],
        tags: &["housing", "markets"],
    },
];

const FLAGSHIP_SLUG: &str = "harbor-accord-talks-end-without-truce";

fn flagship_body() -> String {
    let parts: [(&str, &str, [&str; 2]); 8] = [
        (
            "What happened at the talks",
            "The envoy spent four days shuttling between the capitals of Vestria and Korvan, with stops in the two mediating states. No joint statement was issued.",
            [
                "**Meetings:** the envoy met both foreign ministers twice and the Korvani president once, stressing that \"every week without a deal costs lives.\"",
                "**Sticking points:** the sequencing of troop pullbacks and the release of detainees kept the sides apart.",
            ],
        ),
        (
            "Why the timing matters",
            "Pressure for a truce has grown since fighting spread to the port district last month.",
            [
                "**Escalation:** shelling near the harbour has closed the only deep-water berth that aid ships can use.",
                "**The bridging plan:** mediators tabled a phased plan with fixed dates for pullbacks, published only in outline.",
            ],
        ),
        (
            "How Korvan responded",
            "Korvan's negotiators called the latest draft a step back from terms discussed in the spring.",
            [
                "**Korvan's position:** it wants pullbacks to begin before any detainee release.",
                "**Deadlock:** neither side has moved on the order of the first two phases.",
            ],
        ),
        (
            "A mission with modest aims",
            "Officials travelling with the envoy were careful to lower expectations before the trip began.",
            [
                "**Tone:** early talk of a deal \"within weeks\" has given way to talk of keeping channels open.",
                "**Analysts' view:** regional experts say the public messaging matters, but cannot paper over the gaps in substance.",
            ],
        ),
        (
            "Pressure on Vestria's government",
            "Vestria's prime minister faces a divided cabinet and an impatient public.",
            [
                "**At home:** coalition partners opposed to any pullback threatened to quit if the harbour corridor is handed over.",
                "**Mixed signals:** an official on the envoy's team disputed reports that Vestria had ruled out talks on the corridor.",
            ],
        ),
        (
            "The humanitarian toll",
            "Aid agencies say conditions in the port district are the worst since the war began.",
            [
                "**Displacement:** roughly half of the district's 600,000 residents have left their homes at least once.",
                "**Shelters:** two schools used as shelters were damaged this month, and agencies have asked for them to be declared off-limits.",
            ],
        ),
        (
            "Where talks could go next",
            "Diplomats describe a narrow set of options, none of them easy.",
            [
                "**Possible levers:** mediators could tie reconstruction money to progress, or ask partners to pause some arms sales.",
                "**Public mood:** polls in both countries show majorities for a truce, but little trust in the other side.",
            ],
        ),
        (
            "The road ahead",
            "The envoy is expected to return within a month if the mediators can narrow the gaps on sequencing.",
            [
                "**Next round:** technical teams will meet in the mediating capital next week.",
                "**What to watch:** whether the harbour berth reopens for aid ships before then.",
            ],
        ),
    ];
    let mut body = String::from(
        "The envoy left the region on Thursday without the truce she came for, and with the gaps between the two sides as wide as when she arrived. Her seventh visit since the war began showed how hard a deal has become.\n",
    );
    for (heading, lead, points) in parts {
        body.push_str(&format!("\n## {heading}\n\n{lead}\n\n"));
        for point in points {
            body.push_str(&format!("- {point}\n"));
        }
    }
    body.push_str(
        "\n## Conclusion\n\nFour days of shuttle diplomacy ended where they began. Without movement on sequencing, the mediators' plan will stay a plan, and the harbour will stay closed. The next round will show whether either side is ready to move first.\n",
    );
    body
}

fn brief_body(brief: &Brief, section_name: &str) -> String {
    let [first, second, third] = brief.points;
    format!(
        "{excerpt}\n\n## What happened\n\n{first} Officials and people affected described a fast-moving week.\n\n- {second}\n- {third}\n\n## Why it matters\n\nThe story is one of several this season that show how decisions in {section} reach everyday life.\n\n- Readers asked us what changes for them; the short answer is: not much yet, but watch the deadlines.\n- We will update this article as new figures are published.\n\n## What to watch\n\n- The next official statement, expected within weeks.\n- How the people most affected respond.\n",
        excerpt = brief.excerpt,
        section = section_name.to_lowercase(),
    )
}

fn image(slug: &str, alt: &str) -> FeaturedImage {
    FeaturedImage {
        url: format!("https://images.newsdesk.dev/demo/{slug}.jpg"),
        alt: Some(alt.to_owned()),
        caption: None,
        credit: Some("Newsdesk demo".to_owned()),
    }
}

/// Who writes the demo: the operator, through the same commands as anyone,
/// each checked and recorded in the audit log.
pub(super) const OPERATOR: &Actor = &Actor::Operator;

/// An article written through the newsroom's commands and published, dated
/// as first published at `at`.
pub(super) async fn publish(
    desk: &Newsdesk,
    fields: ArticleFields,
    at: DateTime<Utc>,
) -> Result<ManagedArticle> {
    let draft = publishing::create(desk, OPERATOR, fields).await?;
    publishing::transition(
        desk,
        OPERATOR,
        draft.id,
        Some(draft.version),
        Transition::PublishAsOf(at),
    )
    .await
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// Seeds everything. The caller has checked that the database is empty.
pub(super) async fn seed(desk: &Newsdesk) -> Result<()> {
    let now = desk.now();
    seed_taxonomy(desk).await?;
    let mut published: Vec<Published> = Vec::new();

    for (i, brief) in BRIEFS.iter().enumerate() {
        let slug = Slug::from_title(brief.title).expect("demo titles make slugs");
        let section_name = SECTIONS
            .iter()
            .find(|s| s.0 == brief.section)
            .map(|s| s.1)
            .unwrap_or("the news");
        let age = Duration::hours(6 + (i as i64) * 67);
        let mut authors = vec![AUTHORS[i % AUTHORS.len()].0];
        if i % 5 == 0 {
            authors.push(AUTHORS[(i + 3) % AUTHORS.len()].0);
        }
        let open = i % 7 != 6;
        let article = publish(
            desk,
            ArticleFields {
                featured_image: Some((i % 3 != 2).then(|| image(slug.as_str(), brief.excerpt))),
                slug: Some(slug.to_string()),
                title: Some(brief.title.to_owned()),
                excerpt: Some(brief.excerpt.to_owned()),
                body_markdown: Some(brief_body(brief, section_name)),
                section: Some(brief.section.to_owned()),
                authors: Some(strings(&authors)),
                tags: Some(strings(brief.tags)),
                comments_open: Some(open),
                ..ArticleFields::default()
            },
            now - age,
        )
        .await?;
        published.push(Published {
            id: article.id,
            section: brief.section,
            slug: article.slug,
            open,
        });
    }

    let in_section = |section: &str| -> Vec<String> {
        published
            .iter()
            .filter(|p| p.section == section)
            .map(|p| p.slug.clone())
            .collect()
    };
    let mideast = in_section("middle-east");
    let world = in_section("world");

    let flagship = publish(
        desk,
        ArticleFields {
            slug: Some(FLAGSHIP_SLUG.to_owned()),
            title: Some("Harbor Accord Talks End Without a Truce as Envoy Leaves Empty-Handed".to_owned()),
            subtitle: Some("Four days of shuttle diplomacy left the sides as far apart as ever".to_owned()),
            excerpt: Some("The envoy's seventh visit to the region ended with no ceasefire, no joint statement and a closed harbour. Here is what happened, and what comes next.".to_owned()),
            body_markdown: Some(flagship_body()),
            section: Some("middle-east".to_owned()),
            authors: Some(vec![AUTHORS[0].0.to_owned(), AUTHORS[7].0.to_owned()]),
            tags: Some(strings(&["diplomacy", "ceasefire", "humanitarian", "analysis"])),
            featured_image: Some(Some(FeaturedImage {
                url: "https://images.newsdesk.dev/demo/harbor-accord.jpg".to_owned(),
                alt: Some("Delegates leave a conference hall at dusk".to_owned()),
                caption: Some("Delegates leave the final session of the talks.".to_owned()),
                credit: Some("Newsdesk demo".to_owned()),
            })),
            canonical_url: Some(format!("https://demo.newsdesk.dev/world/middle-east/{FLAGSHIP_SLUG}")),
            seo_title: Some("Harbor Accord talks end without a truce".to_owned()),
            seo_description: Some("What happened in four days of shuttle diplomacy, and where the talks go next.".to_owned()),
            comments_open: Some(true),
            live: None,
        },
        now - Duration::hours(3),
    )
    .await?;
    let further_reading = vec![
        RelatedLinkInput::Article {
            slug: mideast[2].clone(),
            title: None,
        },
        RelatedLinkInput::Article {
            slug: mideast[1].clone(),
            title: Some("Hospitals run short of fuel".to_owned()),
        },
        RelatedLinkInput::Article {
            slug: world[3].clone(),
            title: None,
        },
        RelatedLinkInput::External {
            url: "https://example.org/reports/mediation-handbook".to_owned(),
            title: "A practitioner's handbook on ceasefire mediation".to_owned(),
        },
        RelatedLinkInput::External {
            url: "https://example.org/data/displacement-tracker".to_owned(),
            title: "Displacement tracker: weekly figures".to_owned(),
        },
    ];
    publishing::set_related_links(
        desk,
        OPERATOR,
        flagship.id,
        Some(flagship.version),
        further_reading,
    )
    .await?;

    seed_unpublished(desk, now).await?;
    super::coverage::seed(desk, now, published[0].id).await?;
    seed_comments(desk, &published).await?;
    seed_views(desk, flagship.id, &published, now).await?;
    Ok(())
}

/// A brief as published, for what follows it: comments, views, links.
struct Published {
    id: ArticleId,
    section: &'static str,
    slug: String,
    open: bool,
}

async fn seed_taxonomy(desk: &Newsdesk) -> Result<()> {
    for (position, (s, name, description, parent)) in SECTIONS.iter().enumerate() {
        taxonomy::create_section(
            desk,
            OPERATOR,
            SectionFields {
                slug: Some((*s).to_owned()),
                name: Some((*name).to_owned()),
                description: Some((*description).to_owned()),
                parent: parent.map(str::to_owned),
                position: Some(position as i32),
            },
        )
        .await?;
    }
    for (s, name, bio) in AUTHORS {
        taxonomy::create_author(
            desk,
            OPERATOR,
            AuthorFields {
                slug: Some((*s).to_owned()),
                name: Some((*name).to_owned()),
                bio: Some((*bio).to_owned()),
                avatar_url: Some(format!("https://images.newsdesk.dev/demo/authors/{s}.jpg")),
            },
        )
        .await?;
    }
    for (s, name) in TAGS {
        taxonomy::create_tag(
            desk,
            OPERATOR,
            TagFields {
                slug: Some((*s).to_owned()),
                name: Some((*name).to_owned()),
            },
        )
        .await?;
    }
    Ok(())
}

/// Content the public must never see: drafts, a scheduled piece, an archived one.
async fn seed_unpublished(desk: &Newsdesk, now: DateTime<Utc>) -> Result<()> {
    let hidden: [(&str, &str, Option<Transition>); 4] = [
        (
            "draft-envoy-returns-for-new-round",
            "Draft: Envoy Returns for a New Round",
            None,
        ),
        (
            "draft-port-district-reconstruction-costs",
            "Draft: What Rebuilding the Port District Would Cost",
            None,
        ),
        (
            "scheduled-harbor-talks-week-ahead",
            "The Week Ahead in the Harbor Talks",
            Some(Transition::Schedule(now + Duration::days(2))),
        ),
        (
            "archived-old-ceasefire-timeline",
            "Timeline: The Ceasefire That Did Not Hold",
            Some(Transition::PublishAsOf(now - Duration::days(400))),
        ),
    ];
    for (s, title, moved) in hidden {
        let mut article = publishing::create(
            desk,
            OPERATOR,
            ArticleFields {
                slug: Some(s.to_owned()),
                title: Some(title.to_owned()),
                excerpt: Some("Not yet, or no longer, for readers.".to_owned()),
                body_markdown: Some("## Notes\n\n- Unpublished working copy.\n".to_owned()),
                section: Some("middle-east".to_owned()),
                authors: Some(vec![AUTHORS[0].0.to_owned()]),
                tags: Some(strings(&["diplomacy", "ceasefire"])),
                ..ArticleFields::default()
            },
        )
        .await?;
        article = publishing::set_related_links(
            desk,
            OPERATOR,
            article.id,
            Some(article.version),
            vec![RelatedLinkInput::Article {
                slug: FLAGSHIP_SLUG.to_owned(),
                title: None,
            }],
        )
        .await?;
        if let Some(to) = moved {
            article = publishing::transition(desk, OPERATOR, article.id, Some(article.version), to)
                .await?;
        }
        if s.starts_with("archived-") {
            publishing::transition(
                desk,
                OPERATOR,
                article.id,
                Some(article.version),
                Transition::Archive,
            )
            .await?;
        }
    }
    Ok(())
}

/// A reader's comment, as a reader would send it. The operator's own are
/// approved at once; anonymous ones wait for a moderator.
async fn comment(
    desk: &Newsdesk,
    on: &str,
    parent: Option<CommentId>,
    (name, body): (&str, &str),
    by_reader: bool,
) -> Result<CommentId> {
    let actor = if by_reader {
        &Actor::Anonymous
    } else {
        OPERATOR
    };
    let submitted = comments::submit_comment(
        desk,
        actor,
        // One rate-limit key per commenter and article, as separate readers.
        &format!("demo:{name}:{on}"),
        &slug(on),
        CommentInput {
            parent_id: parent,
            author_name: name.to_owned(),
            author_email: format!("{}@readers.example", name.to_lowercase().replace(' ', ".")),
            body: body.to_owned(),
            honeypot: None,
        },
    )
    .await?;
    Ok(submitted.id)
}

async fn seed_comments(desk: &Newsdesk, published: &[Published]) -> Result<()> {
    let threads = [
        (
            "Ines Carvalho",
            "Clear summary of a confusing week. The sequencing problem is the whole story.",
        ),
        (
            "Omar Said",
            "Is there any timeline for reopening the harbour berth to aid ships?",
        ),
        (
            "Greta Holm",
            "The part about domestic pressure explains a lot about the mixed signals.",
        ),
        (
            "Ravi Menon",
            "Would be useful to see the bridging plan's phases laid out in a table.",
        ),
        (
            "Claire Dubois",
            "Thank you for including the humanitarian figures up front.",
        ),
        (
            "Jonas Weber",
            "Seventh visit. At some point the format itself needs rethinking.",
        ),
    ];
    let mut first_ids = Vec::new();
    for thread in threads {
        first_ids.push(comment(desk, FLAGSHIP_SLUG, None, thread, false).await?);
    }
    let reply = comment(
        desk,
        FLAGSHIP_SLUG,
        Some(first_ids[1]),
        (
            "Leila Haddad",
            "Officials told us they hope to reopen it within two weeks, but nothing is agreed yet.",
        ),
        false,
    )
    .await?;
    comment(
        desk,
        FLAGSHIP_SLUG,
        Some(reply),
        ("Omar Said", "Thanks, that helps."),
        false,
    )
    .await?;
    comment(
        desk,
        FLAGSHIP_SLUG,
        Some(first_ids[3]),
        ("Tomasz Nowak", "Good idea. We are working on a graphic."),
        false,
    )
    .await?;
    comment(
        desk,
        FLAGSHIP_SLUG,
        Some(first_ids[0]),
        ("Anonymous", "Waiting for moderation."),
        true,
    )
    .await?;
    let spam = comment(
        desk,
        FLAGSHIP_SLUG,
        None,
        (
            "Deal Finder",
            "Cheap watches at a link you should definitely click",
        ),
        true,
    )
    .await?;
    moderation::decide(desk, OPERATOR, spam, Decision::Spam).await?;
    let removed = comment(
        desk,
        FLAGSHIP_SLUG,
        None,
        ("Someone", "Removed by a moderator."),
        true,
    )
    .await?;
    moderation::decide(desk, OPERATOR, removed, Decision::Delete).await?;
    comment(
        desk,
        FLAGSHIP_SLUG,
        None,
        ("Late Reader", "Still in the moderation queue."),
        true,
    )
    .await?;

    for article in published.iter().step_by(3).filter(|p| p.open) {
        let first = comment(
            desk,
            &article.slug,
            None,
            ("Ada Fenwick", "Useful background, thank you."),
            false,
        )
        .await?;
        comment(
            desk,
            &article.slug,
            Some(first),
            (
                "Bram Koster",
                "Agreed. I'd like a follow-up on the numbers.",
            ),
            false,
        )
        .await?;
    }
    Ok(())
}

/// Thirty days of view history, so "Popular" has something to rank.
async fn seed_views(
    desk: &Newsdesk,
    flagship: ArticleId,
    published: &[Published],
    now: DateTime<Utc>,
) -> Result<()> {
    let today = now.date_naive();
    desk.add_views(flagship, today, 4_200);
    for (i, article) in published.iter().enumerate() {
        for day in 0..30i64 {
            // A fixed pattern, not randomness: the same demo on every machine.
            let views = ((i as i64 * 37 + day * 11) % 97) * (60 - i as i64).max(1) / 10;
            if views > 0 {
                desk.add_views(article.id, today - Duration::days(day), views);
            }
        }
    }
    desk.flush_views().await?;
    Ok(())
}
