"""Word stock of the synthetic catalogue: names, offices and the phrases bodies are built from.

The phrases imitate the machine-assisted translations of the collection, quirks included:
U+02B9 for the apostrophe ("peopleʹs"), U+02BA for quotation marks ("ʺunity and progressʺ"),
U+2010 for the hyphen ("anti‐Soviet"), fused and lower-case names ("angora").
"""


def _listed(text: str) -> list[str]:
    """The words of a space-separated list."""
    return text.split()


# --- Persons ---------------------------------------------------------------------------------

INITIALS = "ABDEFGIKLMNOPRSTVYZ"

RUSSIAN_ROOTS = _listed(
    "Chicher Karakh Litvin Krestin Aral Mdivan Terent Vinograd Astakh Molot Vyshin Potemk "
    "Maisk Kollont Yuren Davt Bogomol Derevyan Mikhail Suri Kop Rozen Stomon Zhukov Fedor "
    "Petrov Ivan Sokol Volkov Orlov Lebed Kozlov Novik Morozov Pavlov Semen Golub Vorob "
    "Zaits Belov Medved Tikhon Grigor Nikit Kuzmin Krylov Gusev Titov Kiselev Makar Andreev "
    "Zubar Rakov Shuvalov Panin Dubrov Osipov Gromov Yakovl Trofim Bykov Frolov Sazon Yegor "
    "Kalinin Rudzut Ordzhonikid Karsk Shtein Umansk Dekan Ostrovsk Lukin Chernykh Surov"
)
RUSSIAN_ENDINGS = ["in", "ov", "ev", "sky", "enko", "yan", "adze", "ich", "ovsky", "in"]

TURKISH_GIVEN = _listed(
    "Ali Ahmed Mustafa Ismet Rauf Kazim Fuad Tevfik Yusuf Kemal Hamdi Celal Refet Bekir "
    "Şükrü Rüştü Necmeddin Hüseyin Mehmed Saffet Hasan Cevat Ziya Nuri Fethi Halil Enver"
)
TURKISH_SURNAMES = _listed(
    "Saracoğlu Menemencioğlu Aras İnönü Bayar Karabekir Orbay Cebesoy Tengirşenk Kaya "
    "Okyar Peker Atay Esendal Apaydın Sami Ertem Gürsel Tanrıöver Yalçın Erkin Kocaer"
)

PERSIAN_GIVEN = _listed("Mohammad Reza Ali Hossein Abdol Mirza Hassan Ahmad Javad Mahmud Nasrollah")
PERSIAN_SURNAMES = _listed(
    "Foroughi Moshaver Khan Qavam Mostowfi Pirnia Taqizadeh Ansari Entezam Ala Davar "
    "Teymurtash Bahrami Esfandiari Nasr Hekmat Farzin Samii"
)

BALKAN_GIVEN = _listed("Todor Stefan Aleksandar Milan Nikola Ion Nicolae Ioannis Georgios Dimitar")
BALKAN_SURNAMES = _listed(
    "Stamboliyski Ninčić Titulescu Venizelos Metaxas Kyoseivanov Stojadinović Popović "
    "Petrescu Ionescu Papadopoulos Georgiev Markovič Dragoumis Averescu Michalakopoulos"
)

WESTERN_GIVEN = _listed("Henri Joseph Lord George Hans Ulrich Herbert Friedrich Pierre Galeazzo")
WESTERN_SURNAMES = _listed(
    "Franklin-Bouillon Curzon Rumbold Nadolny Brockdorff-Rantzau Papen Dirksen Ciano "
    "Bonnet Halifax Cripps Knatchbull-Hugessen Massigli Schulenburg Ribbentrop Weizsäcker"
)

# --- Places ----------------------------------------------------------------------------------

# (preferred modern name, country, historical or garbled variants)
REAL_PLACES = [
    ("Ankara", "Turkey", ["Angora", "angora"]),
    ("Istanbul", "Turkey", ["Constantinople", "Stamboul", "constantinople"]),
    ("Trabzon", "Turkey", ["Trapezund", "Trapezoid", "Trebizond"]),
    ("Gyumri", "Armenia", ["Alexandropol", "Leninakan"]),
    ("Iran", "Iran", ["Persia", "persia"]),
    ("Tehran", "Iran", ["Teheran", "Tegeran"]),
    ("Tabriz", "Iran", ["Tebriz"]),
    ("Kabul", "Afghanistan", ["kabul"]),
    ("Herat", "Afghanistan", []),
    ("Moscow", "Russia", ["Moskva"]),
    ("Tbilisi", "Georgia", ["Tiflis", "tiflis"]),
    ("Baku", "Azerbaijan", []),
    ("Batumi", "Georgia", ["Batum"]),
    ("Kars", "Turkey", []),
    ("Erzurum", "Turkey", ["Erzerum"]),
    ("Izmir", "Turkey", ["Smyrna"]),
    ("Sofia", "Bulgaria", ["Sofiya"]),
    ("Belgrade", "Serbia", ["Beograd"]),
    ("Bucharest", "Romania", ["Bukarest"]),
    ("Athens", "Greece", []),
    ("Berlin", "Germany", ["berlin"]),
    ("London", "United Kingdom", []),
    ("Paris", "France", []),
    ("Rome", "Italy", ["Roma"]),
    ("Lausanne", "Switzerland", []),
    ("Geneva", "Switzerland", ["Genève"]),
    ("Delhi", "India", []),
    ("Dagestan", "Russia", ["the dagestan"]),
]

PLACE_ROOTS = _listed(
    "Kara Ak Kizil Sary Yeni Eski Bey Novo Staro Ust Nizh Verkh Kuz Tash Bash Gol Dag Kum "
    "Ar Bal Ser Mir Shah Dar Kal Zar Bor Tur Van Mus Bit Ord Siv Tok Mal Ad Kon Bur Rize "
    "Gir Sam Kas Ham Mer Kir Bol Dzh Ash Mar Tal Shir Neft Gor Lug Dub Ros Vol Pri Sol"
)
PLACE_SUFFIXES = [
    "kent",
    "shehir",
    "abad",
    "grad",
    "opol",
    "insk",
    "ovo",
    "dag",
    "su",
    "khan",
    "ovka",
    "li",
    "ar",
    "an",
]
# A second spelling for a synthetic place: the older or foreign form of its ending.
SUFFIX_VARIANTS = {
    "shehir": "sheher",
    "abad": "abat",
    "grad": "gorod",
    "opol": "opolis",
    "insk": "insky",
    "kent": "kend",
    "dag": "tagh",
    "khan": "chan",
}
COUNTRIES = [
    "Turkey",
    "Iran",
    "Afghanistan",
    "Russia",
    "Georgia",
    "Armenia",
    "Azerbaijan",
    "Bulgaria",
    "Romania",
    "Greece",
    "Serbia",
    "India",
    "Uzbekistan",
    "Turkmenistan",
]

# --- Organisations ---------------------------------------------------------------------------

# (name, abbreviation, variants)
REAL_ORGANISATIONS = [
    ("People's Commissariat of Foreign Affairs of the RSFSR", "NKID", ["peopleʹs commissariat"]),
    ("People's Commissariat of Foreign Affairs of the USSR", "NKID USSR", ["NKID of the USSR"]),
    ("Grand National Assembly of Turkey", "GNAT", ["grand national assembly", "Angora assembly"]),
    ("Entente", "", ["the entente"]),
    ("League of Nations", "", ["the league"]),
    ("General secretariat", "", ["general secretariat"]),
    ("Politburo of the Central Committee", "Politburo", ["politbureau"]),
    ("Communist International", "Comintern", ["the comintern"]),
    ("Council of People's Commissars", "Sovnarkom", ["SNK"]),
    ("Revolutionary Military Council", "Revvoensovet", ["RVS"]),
    ("People's Commissariat of Foreign Trade", "Narkomvneshtorg", ["NKVT"]),
    ("Foreign Office", "", ["british foreign office"]),
    ("Ministry of Foreign Affairs of France", "Quai d'Orsay", ["quai dʹorsay"]),
    ("Auswärtiges Amt", "AA", ["German foreign office"]),
    ("Committee of Union and Progress", "CUP", ["ʺunity and progressʺ", "Ittihad"]),
    ("Majlis of Iran", "Majlis", ["mejlis"]),
]
MISSION_KINDS = [
    "Plenipotentiary mission of the RSFSR in",
    "Embassy of the USSR in",
    "Trade representation of the USSR in",
    "Consulate of the USSR in",
    "Military attaché of the USSR in",
]

# --- Offices, headings, printed lines --------------------------------------------------------

OFFICES = [
    "peopleʹs commissar for foreign affairs of the RSFSR",
    "peopleʹs commissar for foreign affairs of the USSR",
    "deputy peopleʹs commissar for foreign affairs",
    "plenipotentiary representative of the USSR in {country}",
    "ambassador of the USSR in {country}",
    "charge dʹaffaires of the USSR in {country}",
    "first secretary of the embassy in {country}",
    "ambassador of {country} to the USSR",
    "minister of foreign affairs of {country}",
    "consul general in {place}",
    "military attaché in {country}",
    "trade representative in {country}",
    "extraordinary ambassador of the Ukrainian SSR in {country}",
    "member of the collegium of the NKID",
]

TYPE_WORDS = {
    "letter": "Letter",
    "telegram": "Telegram",
    "note": "Note",
    "record_of_conversation": "Record of conversation",
    "diary_entry": "From the diary",
    "memorandum": "Memorandum",
    "report": "Report",
    "minutes": "Minutes of the meeting",
    "treaty": "Treaty",
    "speech": "Speech",
    "other": "Document",
}

SOURCE_NOTES = [
    "Print. By architect.",
    "Pgchat. About arch.",
    "Print. By srh.",
    "Printed from the archive copy.",
    "Izvestia, No. {number}, {year}.",
    "A source: USSR foreign policy documents. Volume {volume}. p. {page}",
]

SALUTATIONS = ["Dear comrade,", "Mr. Minister,", "Comrade peopleʹs commissar,", "Dear friend,"]
CLOSINGS = ["With communist greetings", "With respect", "Accept the assurances of my respect"]

DISTRIBUTIONS = [
    "Sent to comrade Molotov, comrade Vyshinsky, general secretariat",
    "Sent to comrade Stalin, comrade Molotov",
    "Sent to comrade Litvinov, comrade Karakhan, the collegium",
    "Sent to the members of the Politburo",
]

TRANSLATORS = ["", "", "", "Machine-assisted translation", "A. Translator", "Collection staff"]

# --- Body phrases ----------------------------------------------------------------------------

SUBJECTS = [
    "the Turkish government",
    "the Soviet side",
    "our plenipotentiary",
    "the entente",
    "the ambassador",
    "the British",
    "the French",
    "the Persian government",
    "the Afghan emir",
    "the commission",
    "the grand national assembly",
    "angora",
    "the peopleʹs commissariat",
    "the Italians",
    "the Germans",
    "the Greeks",
    "the Bulgarian government",
    "the Romanian delegation",
    "the minister",
    "Kemal pasha",
    "the Kemalists",
    "the press",
    "the military command",
    "our consul",
    "the government of the RSFSR",
    "the Soviet government",
    "the opposition",
    "the Majlis",
    "the basmachi",
    "the Muslim movement",
]
VERBS = [
    "has informed us of",
    "insists on",
    "refuses to accept",
    "is preparing",
    "will not accept",
    "proposes",
    "reports on",
    "demands",
    "rejects",
    "supports",
    "fears",
    "has agreed to",
    "is delaying",
    "welcomes",
    "protests against",
    "intends to raise",
    "is trying to prevent",
    "underestimates",
    "expressed doubts about",
    "is strongly opposed to",
    "has promised",
    "asked about",
    "is ready to discuss",
    "has received instructions on",
    "spoke at length about",
    "declared its readiness for",
]
OBJECTS = [
    "the draft treaty",
    "the question of the Straits",
    "the frontier in the Caucasus",
    "the transit of goods",
    "a loan in gold",
    "the withdrawal of troops",
    "the oil concession",
    "the neutrality pact",
    "the trade agreement",
    "the repatriation of prisoners",
    "ʺunity and progressʺ",
    "anti‐Soviet propaganda",
    "the Soviet‐Turkish friendship",
    "the non‐aggression pact",
    "the fishing concession",
    "the Kars conference",
    "the Lausanne conference",
    "the Montreux convention",
    "the pan‐Islamism of the émigrés",
    "the delivery of weapons",
    "the arrest of our sailors",
    "the consular convention",
    "the customs tariff",
    "the railway to Tabriz",
    "the Sandjak question",
    "the Balkan pact",
    "the Saadabad pact",
    "the mobilization of the reserves",
    "the peopleʹs interests",
    "the freedom of navigation",
    "the cotton purchases",
    "the grain deliveries",
    "the telegraph line",
    "the question of the Armenian refugees",
    "the press campaign",
    "the visit of the delegation",
    "the concentration of troops",
    "the English intrigues",
    "the German proposals",
    "the Italian claims in Anatolia",
    "the Greek offensive",
    "the military assistance",
    "the gold reserves",
    "the exchange of notes",
    "the ratification of the treaty",
]
ADVERBIALS = [
    "in the near future",
    "without delay",
    "according to reliable sources",
    "in connection with recent events",
    "as we have repeatedly pointed out",
    "despite our protests",
    "with great satisfaction",
    "at the meeting yesterday",
    "in a private conversation",
    "after long hesitation",
    "in the strictest confidence",
    "for the time being",
    "on the instructions of the government",
    "contrary to the assurances given",
    "at the first opportunity",
    "under pressure from London",
    "in the spirit of the treaty",
    "through the usual channels",
    "this morning",
    "in his usual manner",
]
CONNECTIVES = [
    "It is possible, and even likely, that",
    "We must nevertheless reckon with the fact that",
    "It should be borne in mind that",
    "I consider it necessary to inform you that",
    "There is reason to believe that",
    "As far as we know,",
    "It goes without saying that",
    "I must point out that",
    "In our opinion",
    "You will not be surprised that",
    "Meanwhile",
    "However,",
    "Moreover,",
    "Nevertheless,",
    "",
    "",
    "",
]
REMARKS = [
    "This is a myth.",
    "The situation remains tense.",
    "The impression is extremely unfavourable.",
    "We await your instructions.",
    "Please inform us of your decision.",
    "The matter is of the greatest importance.",
    "This news is provocative in nature.",
    "No reply has yet been received.",
    "The negotiations are going badly.",
    "The feeling here is friendly towards us.",
    "The peopleʹs mood is sincere.",
    "We cannot accept such terms.",
    "I shall report further by telegraph.",
]
# Sentences that name a person or body the document mentions: {name} is its name as printed.
NAME_SENTENCES = [
    "{name} told me that the question would be settled.",
    "I had a long conversation with {name}.",
    "The position of {name} is well known to you.",
    "News from {name} confirms this.",
    "{name} asked me to convey his respect.",
    "According to {name}, the government is divided.",
    "{name} is the centre of the intrigues.",
]
# The same for a place.
PLACE_SENTENCES = [
    "The situation in {name} is extremely tense.",
    "Our representative in {name} reports the same.",
    "News from {name} confirms this.",
    "Troops are being moved towards {name}.",
    "The consulate in {name} has been closed.",
]

FOOTNOTE_TEMPLATES = {
    "biographical": "{name}, {office}. Biographical information is given in the index.",
    "cross_reference": "See doc. No. {number}.",
    "editorial": "This refers to {object}; see also the telegram of {date}.",
    "textual": "So in the text; {object} is meant.",
}
