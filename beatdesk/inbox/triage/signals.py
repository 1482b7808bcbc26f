"""The signals the triage engine looks for, as named regular expressions over lower-cased text.

Every pattern is written against text that ``normalise`` has lower-cased with curly quotes made
straight, so an apostrophe is always ``'`` and usually optional (``he'?s`` matches "hes").
A space in a pattern matches any run of white space. Each signal has a label that staff read in
the reasons, so labels are plain words, not codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .prefilter import Gated

QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "`": "'"})


def normalise(text: str) -> str:
    """Lower-case with straight quotes, keeping every character's position."""
    lowered = text.translate(QUOTES).lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters grow when lower-cased (İ); positions must stay aligned with the original.
    return "".join(ch.lower()[:1] or ch for ch in text.translate(QUOTES))


def rx(pattern: str) -> Gated:
    # " ?" is an optional space; any other space is one or more white-space characters.
    # Patterns run on normalised (lower-case) text, so they are compiled case-sensitive:
    # IGNORECASE makes Python's matcher several times slower on long alternations.
    return Gated(re.compile(pattern.replace(" ?", r"\s*").replace(" ", r"\s+")))


STRONG, WEAK, SUPPORTING = 2, 1, 0


@dataclass(frozen=True)
class Signal:
    label: str
    pattern: Gated
    # STRONG is enough on its own; WEAK needs a sign that it is happening now or a second
    # signal; SUPPORTING only adds to another signal (or to an explicit "now", "asap").
    tier: int = STRONG
    # "any": a past-time cue in the sentence cancels it (a stabbing last year is not an
    # emergency). "long": only a long-ago cue does: for self-harm or a missing person, "last
    # night" is when the danger began, so it stays.
    past: str = "any"


def S(label: str, pattern: str, *, tier: int = STRONG, past: str = "any") -> Signal:
    return Signal(label, rx(pattern), tier, past)


# --- building blocks -------------------------------------------------------------------------
PERSON = (
    r"(?:he|she|they|someone|somebody|some(?: |-)?one|a man|a woman|a guy|a bloke|a lad|a girl|"
    r"a boy|a kid|men|lads|people|a group|a gang|my ex|my partner|my husband|my wife|"
    r"my boyfriend|my girlfriend|my dad|my mum|my son|my daughter|my brother|my sister|"
    r"my neighbour|the neighbour|the man|the guy|the bloke|this man|this guy|this bloke|"
    r"a youth|youths|two men|three men|a couple of lads|them)"
)
BE = r"(?:'?s|'?re|'?m| is| are| am| was| were)"
WEAPON = (
    r"(?:knife|knives|blade|machete|zombie knife|kitchen knife|gun|firearm|shotgun|pistol|rifle|"
    r"crossbow|axe|hatchet|hammer|baseball bat|cricket bat|golf club|sword|samurai sword|"
    r"meat cleaver|cleaver|screwdriver|crowbar|iron bar|metal bar|broken bottle|acid|taser|syringe|"
    r"needle|knuckle ?duster|wheel ?brace|wrench|spanner|tyre iron|bike lock|sledge ?hammer|"
    r"scaffold(?:ing)? (?:pole|bar)|bayonet|razor|stanley knife|bolt cutters)"
)
# Ordinary things that become weapons in the wrong hands: weaker evidence on their own.
IMPROVISED = r"(?:bat|bats|stick|sticks|bottle|bottles|brick|bricks|chain|pole|spade|shovel|rock|rocks|plank|pipe)"
VICTIM = (
    r"(?:me|us|her|him|them|a (?:homeless|young|old|little|drunk|disabled|blind|pregnant) (?:woman|man|girl|boy|kid|child|lad|lass|lady|fella|bloke)|"
    r"my (?:mum|mam|dad|wife|husband|partner|kids|children|son|daughter|"
    r"baby|sister|brother|friend|nan|gran|neighbour)|the (?:kids|children|baby|dog)|"
    r"his (?:wife|girlfriend|partner|kids)|her (?:husband|boyfriend|partner|kids)|"
    r"a (?:woman|man|girl|boy|kid|child|lad|lass)|everyone|everybody|people|someone|somebody|us all|"
    r"the (?:staff|family|lot of (?:us|them))|the whole (?:street|family|house))"
)
SELF = r"(?:myself|himself|herself|themselves|themself)"
KIN = (
    r"(?:my|our|her|his) (?:(?:little|youngest|eldest|oldest) )?(?:son|daughter|boy|girl|lad|lass|little one|child|kid|mum|mam|mom|"
    r"mother|dad|father|nan|nana|gran|granny|grandma|grandad|grandpa|grandson|granddaughter|"
    r"husband|wife|partner|brother|sister|uncle|aunt|auntie|friend|mate|neighbour|"
    r"stepson|stepdaughter|niece|nephew|teenager|toddler|baby)"
)

# "After being assaulted", "reported being threatened": over, and told afterwards.
_NOT_OVER = r"(?<!after\x20)(?<!since\x20)(?<!reported\x20)(?<!report\x20)"

# --- emergency signals -------------------------------------------------------------------------
EMERGENCY: tuple[Signal, ...] = (
    # Weapons and serious violence.
    S(
        "weapon",
        rf"\b(?:got|has|have|having|holding|carrying|waving|brandishing|pulled|pulling|wielding|"
        rf"swinging|shown|showed|showing|flashing|flashed|produced|pulled out|got out|took out|"
        rf"threatening (?:me|us|him|her|people|staff|the staff|customers|everyone|someone|the \w+) with|"
        rf"pointing) (?:out )?(?:a |an |his |her |"
        rf"their |the )?(?:big |huge |massive |large |long )?{WEAPON}s?\b",
    ),
    S(
        "weapon",
        r"\bwith (?:what (?:looks|looked|appears) like |something like |what i think is )?"
        r"(?:a |an |his |her |their )?(?:big |huge |massive |large |long )?"
        r"(?:knife|knives|blade|machete|gun|firearm|shotgun|pistol|rifle|crossbow|axe|sword|"
        r"crowbar|baseball bat|iron bar|hammer)s?\b",
        tier=WEAK,
    ),
    S(
        "weapon",
        rf"\b(?:got|has|have|holding|carrying|waving|brandishing|wielding|swinging|with) (?:a |an |his |her |"
        rf"their |the |some )?(?:big |huge |massive |large |long |metal |wooden |broken )?{IMPROVISED}\b",
        tier=WEAK,
    ),
    S("weapon", r"\b(?:knife|gun|machete) ?point\b"),
    S(
        "weapon",
        r"\b(?:shots? (?:fired|being fired)|gun ?shots?|been shot|being shot|shooting at)\b",
    ),
    S(
        "weapon",
        r"\b(?:been|being|getting|just) stabbed\b|\bstabbed (?:him|her|me|someone|them)\b|\bstabbing\b",
    ),
    S("weapon", r"\bpointing (?:it|the gun|a gun|the knife) at\b", tier=WEAK),
    S(
        "threat to life",
        rf"\b(?:(?:he|she|they|someone|somebody|ex|partner|husband|boyfriend|man|guy|bloke|lads?|men|them)"
        rf"(?:'?s|'?re| is| are| was)? (?:going to|gonna|gunna|goin to|will|wants? to)|(?:he|she|they)'?ll|threaten(?:ed|ing|s)? to|"
        rf"swears? (?:he|she|they)(?:'ll| will)|says? (?:he|she|they)(?:'ll| will|'?s going to)|"
        rf"threaten(?:s|ing) to|shouting (?:that )?(?:he|she|they)(?:'ll| will|'?s going to| is going to))"
        rf" (?:kill|murder|hurt|stab|shoot|strangle|batter|burn|throw|drop|attack|do (?:me|us|her|him) in) {VICTIM}",
    ),
    S(
        "threat to life",
        r"\b(?:burn|set fire to|torch) (?:the|my|our|her|his|their) (?:house|flat|place|home)(?: down)?\b",
    ),
    # "He said when he wakes up I'm done."
    S(
        "threat to life",
        r"\b(?:said|says|told me|tells me|swears?|swore|keeps saying)(?: that)? (?:when|once|if|after|as soon as) "
        r"(?:he|she|they)\b[^.!?]{0,30}\b(?:i'?m|im|i am|you'?re|we'?re|she'?s|he'?s|she is|he is) "
        r"(?:done|dead|finished|getting it|going to get it|gonna get it)\b",
    ),
    S(
        "threat to life",
        rf"\b(?:kill|murder|stab|shoot|strangle) (?:me|us|her|him|{KIN})\b(?! (?:laughing|with))",
        tier=WEAK,
    ),
    S(
        "someone is in danger",
        r"\b(?:scared|frightened|afraid|terrified) (?:of )?what (?:he|she|they)(?:'ll| will| might| is going to| could)\b|"
        r"\b(?:getting|gets|got|is|'?s) (?:really |very )?(?:nasty|violent|aggressive|physical|threatening) with\b",
        tier=WEAK,
    ),
    S(
        "violence happening now",
        rf"\b(?:hitting|beating|punching|kicking|attacking|strangling|choking|hurting|headbutting|killing|"
        rf"battering|stamping on|dragging|throttling|smashing up|threatening|chasing|started on) {VICTIM}\b",
    ),
    S(
        "violence happening now",
        rf"\b{_NOT_OVER}(?:being|getting) (?:attacked|beaten|beaten up|assaulted|mugged|kidnapped|"
        rf"strangled|stabbed|raped|battered)\b|\b{_NOT_OVER}being (?:robbed|hit|chased|dragged|held down|kicked|punched|"
        r"stamped on|surrounded|threatened|bundled)\b",
    ),
    S("violence happening now", r"\bhands? (?:round|around) (?:my|her|his) (?:neck|throat)\b"),
    S(
        "violence happening now",
        r"\b(?:fight|brawl|punch[- ]?up|fighting|scrap)\b.{0,40}\b(?:going on|kicking off|happening|"
        r"right now|now)\b|\b(?:kicking off|mass brawl)\b|\bthrowing (?:chairs|bottles|glasses|punches|"
        r"bricks|stones|things|stuff|furniture)\b|\b(?:threatening|headbutting) (?:people|everyone|staff|the)\b|"
        r"\b(?:get off me|leave me alone|stop hurting)\b|\b(?:he|she|they)(?:'?s|'?re| is| are) (?:not leaving|refusing to (?:leave|go|get off))\b|"
        r"\bkicking (?:my|the|our) (?:\w+ )?door\b|\b(?:has )?taken (?:the|my|our) (?:kids|children|baby)\b|"
        r"\bcan hear (?:them|him|her|someone|somebody|people|voices|footsteps|everything)\b|\bbalaclavas?\b|"
        r"\b(?:begging|pleading with|screaming at|screaming for|crying for) (?:him|her|them) to stop\b",
        tier=WEAK,
    ),
    S(
        "violence happening now",
        r"\b(?:just|has just|have just|'ve just|i'?ve been|i have been|we'?ve been|just been|"
        r"'?s been|has been|have been) (?:attacked|assaulted|mugged|robbed|raped|kidnapped|abducted|"
        r"stabbed|glassed|beaten up|hit by a car|run over|sexually assaulted|jumped|snatched|grabbed)\b",
        tier=WEAK,
    ),
    S(
        "crime just happened",
        r"\b(?:just|has just|have just|'ve just) (?:grabbed|snatched|smashed|exposed|flashed|punched|"
        r"hit|attacked|robbed|mugged|threatened) (?:me|him|her|them|us|a|an|the|my|his|someone|somebody|"
        r"himself|herself)\b|\bput (?:his|her|a) (?:fist|foot|head) through\b|"
        r"\b(?:is|are|'?s|'?re) (?:running|walking|driving|heading) (?:off |away )?(?:towards|down|up|into|through|along)\b|"
        r"\b(?:has )?just tried to (?:snatch|grab|take|abduct|lure|drag|get)\b|"
        r"\b(?:someone|somebody|someones|somebodys|they)(?:'s| has|'ve| have)? (?:just )?broken in\b(?!to)|"
        r"\b(?:he'?s|she'?s|they'?re|is|are) still (?:here|there|around|hanging around|outside|inside|"
        r"in there|nearby|about|in the (?:house|shop|garden|building))\b",
        tier=WEAK,
    ),
    S(
        "someone is hurt",
        r"\b(?:not breathing|isn'?t breathing|stopped breathing|can'?t breathe|cannot breathe|"
        r"unconscious|unresponsive|won'?t wake up|wont wake|(?:not|isn'?t|hasn'?t) (?:woke|woken|waking) up|blood everywhere|"
        r"(?:he|she|they|him|her|man|woman|person|lad|girl|boy|baby|dad|mum|someone|driver|cyclist)\b[^.!?]{0,20}"
        r"\b(?:not moving|isn'?t moving|not responding)|"
        r"bleeding (?:heavily|badly|a lot|loads|everywhere|from (?:his|her|my|the) (?:head|neck|face|chest))|"
        r"bleeding loads|losing (?:a lot of )?blood|lots of blood|turning blue|"
        r"gone (?:grey|blue)|having a (?:heart attack|fit|seizure|stroke)|slumped (?:in|over|at|on|against)|"
        r"collapsed|lying (?:in|on) (?:the middle of )?the (?:road|street|pavement|ground|floor)|"
        r"(?:not|isn'?t|is not|won'?t|can'?t) getting up|face down|out cold|"
        r"thrown (?:her|him|me|them|my \w+) (?:down|out of|against|into|through|off)|"
        r"(?:set (?:the|his|her|their|a) dogs? on|dogs? set on|badly bitten|been bitten|bitten (?:a|one|my|the))|"
        r"tied (?:up )?(?:the|a|my|him|her|them|up)|gagged|"
        r"ploughed into|mounted the pavement|driven into (?:people|a crowd|the crowd)|"
        r"(?:wandered|rolled|ran|run|walked|fallen|fell|stumbled) (?:out )?into the (?:road|traffic)|"
        r"trying to (?:carry|take|drag|lead|walk) (?:her|him) (?:out|away|outside|into|off)|"
        r"being pushed(?: around| about)?|pushing (?:her|him|me) (?:around|about)|"
        r"(?:got|has|pinned|holding) (?:her|him|me) (?:up )?against|fighting with (?:a |an )?(?:knife|knives|bottles?|weapons?|machete|bats?)|"
        r"(?:'?s|is|lying|found (?:him|her)|collapsed) on (?:her|his|the) (?:kitchen |bathroom |bedroom |living room )?floor|"
        r"fell (?:in|into) the (?:river|sea|canal|water)|gored|mauled|fallen down the stairs|"
        r"(?:fallen|fell) and (?:can'?t|cannot|couldn'?t) get up|(?:can'?t|cannot|can not|unable to) get (?:up|him up|her up)|"
        r"(?:really |very )?(?:bad|severe|crushing|terrible|awful) (?:pain in (?:my|his|her) chest|chest pains?)|"
        r"chest pains? (?:down|into|spreading|going)|"
        r"(?:isn'?t|not) making (?:any )?sense|blood (?:coming|pouring|gushing) (?:from|out of)|"
        r"can'?t feel my (?:legs|arms|face|body)|gone floppy|barely breathing|not breathing properly|"
        # "the top field's been under water" is a flood, not someone under the water.
        r"(?<!been\x20)(?<!been)(?<!is\x20)(?<!are\x20)(?<!'s\x20)under ?(?:the )?water|capsized|overturned|(?:he'?s|she'?s|they'?re) lying (?:there|in the road|on the(?! (?:sofa|couch|settee|bed|beach|sun ?lounger)\b))|"
        r"(?:just )?(?:got|been) (?:hit|knocked (?:down|over)|run over) by a (?:car|van|lorry|bus)|"
        r"(?:car|van) on its roof|hanging upside down|"
        r"lying (?:at the (?:bottom|foot) of|on) the (?:stairs|steps)|(?:leg|arm|neck)(?: is|'s)? (?:the wrong way|bent the wrong way)|"
        r"(?:fallen|fell|come) (?:off|from|through) (?:a|the|his|her) (?:ladder|roof|scaffold\w*|horse|loft hatch|balcony)|"
        r"can'?t move (?:his|her|my|their) (?:legs|arms|neck|body)|talking (?:nonsense|gibberish)|"
        r"(?:blood )?sugars?(?: is|'s| are| levels?)? (?:really |very |dangerously )?(?:low|high)|going (?:drowsy|floppy)|"
        r"keeps? (?:passing|blacking) out|(?:pushed|threw|thrown|kicked) (?:her|him|me|them|my \w+) down the (?:stairs|steps)|"
        r"(?:chest|arm) (?:is )?(?:really )?(?:tight|hurts|hurting)|throat (?:is )?(?:swelling|closing)|lips (?:are |have )?(?:gone |going |turning )?blue|"
        r"(?:has|'s|have|'ve) (?:just )?had a (?:heart attack|stroke|seizure|fit)|grey and (?:sweaty|clammy)|"
        r"jaw (?:hurts|is hurting|aching)|(?:reaction|allergic|sting)\b.{0,40}\b(?:swelling|swollen|wheezing|can'?t breathe)|"
        r"frothing at the mouth|(?:kicked|punched|hit|stabbed) (?:me|her) in the (?:stomach|belly|bump)|heard (?:her|him) (?:fall|hit the floor))\b",
    ),
    S(
        "someone is in danger",
        r"\b(?:someone|somebody|a (?:man|woman|person|child|kid|lad|girl|boy)|"
        r"people|kids) (?:is |are |'s )?(?:in|in to|fallen in|fallen into|struggling in|stuck in|"
        r"drowning in) the (?:river|sea|canal|water|reservoir|lake|harbour|quarry)\b|\bdrowning\b|"
        r"\b(?:gone|went|crashed|driven|fallen|rolled|tipped|slipped|fell) (?:in|into) the (?:river|sea|canal|water|lake|harbour|reservoir)\b|"
        r"\bhanging (?:off|from) (?:the |a )?(?:outside of the |side of the |edge of the )?(?:\w+ )?(?:bridge|footbridge|ledge|roof|balcony|cliff|railings)\b|"
        r"\b(?:child|kid|toddler|little (?:boy|girl)|baby|boy|girl)\b.{0,40}\b(?:on (?:his|her|their) own|by (?:himself|herself)|no (?:adults?|parents?|one with (?:him|her)))\b|"
        r"\b(?:shouting|calling|crying|screaming|yelling) (?:out )?for help\b|"
        r"\btrying to take (?:me|her|him) (?:outside|home|away|with him|to his)\b|"
        r"\b(?:drag|dragged|dragging|pull|pulled|pulling|bundle|bundled|force|forced|push|pushed) (?:a|the|this|her|him|my) "
        r"(?:\w+ )?(?:into|in) (?:a|the|his|their) (?:car|van|bushes|alley|house|woods|boot)\b|"
        r"\b(?:gone|went) under\b.{0,30}\b(?:not|hasn'?t|haven'?t) (?:come|came) (?:back )?up\b|"
        r"\b(?:fall|fell|fallen|jump|jumped|slip|slipped|gone|went) (?:off|from|over) (?:the|a) (?:pier|harbour wall|quay|jetty|boat|bridge|cliff|edge)\b|"
        r"\b(?:is|are|'?s|'?re) not (?:coming|come) (?:back )?up\b|\b(?:throwing|chucking|lobbing|hurling) (?:fireworks|bricks|stones|rocks|acid|bottles|tiles|glass|things|stuff) (?:at|into) "
        r"(?:a |an |the |people|me|us|him|her|them|kids|cars|passing)|"
        r"\b(?:says?|saying|said|keeps saying) (?:i|we|you|she|he)(?:'ll| will)? (?:won'?t|not|never|will not) (?:see|live to see|make it (?:to|through)) "
        r"(?:the )?(?:morning|tomorrow|the night|christmas|the weekend)\b|"
        # Sinking in a bog, mud or slurry, or held fast where nobody can pull them out.
        r"\b(?:stuck|sinking|sunk|trapped|bogged down) (?:up to (?:his|her|their|my|our) (?:waist|knees|chest|neck|armpits) )?"
        r"in (?:a |the |some |deep )?(?:bog|mud|marsh|quicksand|slurry|silt|peat|mire)\b|"
        r"\b(?:sunk|sinking|stuck) (?:up )?to (?:his|her|their|my|our) (?:waist|chest|neck|armpits)\b|"
        r"\bcan'?t (?:pull|drag|dig) (?:him|her|them|it) out\b",
    ),
    S(
        "someone is in danger",
        r"\b(?:house|flat|home|building|car|van|shop|pub|block|garage|barn|bungalow|caravan|"
        r"kitchen|bedroom|next door)s?(?: is| are|'s| has)? (?:on fire|alight|in flames|caught fire|"
        r"going up in flames)\b|\b(?:trapped|stuck) (?:in|inside|under) (?:the|a|his|her|my) "
        r"(?:car|house|flat|building|wreckage|vehicle|lift|fire)\b|\bpeople trapped\b|\bsmell of gas\b|"
        r"\bsmoke (?:pouring|coming|billowing) (?:out of|from|under)\b|\blit a fire (?:at|in|by|against|outside)\b|"
        r"\b(?:has|have|'?s|'?ve|just) (?:set|lit) (?:fire|a fire) to\b|\b(?:there'?s|there is) a fire (?:in|at)\b|"
        r"\b(?:setting|set) fire to (?:the|a|some|my|our)\b.{0,60}\b(?:spreading|now|going up)\b|"
        r"\bsetting fire to\b",
    ),
    S(
        "danger on the road",
        r"\b(?:wrong way (?:on|down|up|along) the (?:motorway|a\d+|m\d+|dual carriageway)|"
        r"going the wrong way|driving the wrong way|walking into (?:the )?traffic|against (?:the )?traffic|"
        r"(?:person|man|woman|child|children|kids?|toddler|someone|pedestrian|people)(?: are| is)? "
        r"(?:\w+ing )?(?:on|in|along|across) the (?:motorway|a\d+|m\d+|dual carriageway|railway|"
        r"tracks|train line|level crossing|harbour wall)|"
        r"(?:car|van|lorry|vehicle|we|i)(?:'?re|'?m|'?s| is| are| am)? (?:stuck |stopped |stalled |broken down |broke down |conked out )?on the (?:level crossing|railway|tracks)|"
        r"(?:on his|on her|on their) own (?:walking |wandering )?(?:along|on|by|near) the (?:road|harbour|river|water|sea|cliff))",
    ),
    S(
        "danger on the road",
        r"\bin no (?:fit )?state to drive\b|"
        r"\b(?:drunk|pissed|off his face|off her face|hammered|over the limit|high|off his head|steaming|been drinking)\b.{0,60}"
        r"\b(?:getting (?:back )?in(?:to)?|got (?:back )?in(?:to)?|about to drive|driving off|driving|drove off|behind the wheel)\b"
        r"|\b(?:getting in(?:to)?|got in(?:to)?|about to drive) (?:his|her|a|the|their) (?:car|van)\b.{0,40}"
        r"\b(?:drunk|pissed|over the limit|hammered)\b"
        r"|\b(?:drove off|driving off|driven off|pulled (?:away|off|out)|sped off|just drove)\b.{0,60}"
        r"\b(?:drunk|pissed|hammered|steaming|paralytic|legless|wasted|over the limit|off (?:his|her) (?:face|head))\b",
    ),
    S(
        "danger on the road",
        r"\bflipped\b|\b(?:hit|knocked down|run over) (?:a|the) (?:cyclist|pedestrian|child|kid|woman|man)\b",
        tier=WEAK,
    ),
    # Crime in progress and intruders.
    S(
        "crime in progress",
        r"\b(?:(?:trying|tryin'?|tryna) (?:to |2 )?(?:get|break|force (?:their|his|her|a) way|climb) ?in(?:to)?|"
        r"trying to (?:crowbar|jemmy|prise|pry|lever|force|kick|smash|cut) (?:open |off |in |through |down )?(?:the|my|our|his|her|their)\b|"
        r"trying to (?:force|kick|smash|jemmy|prise|break|open|pull|push|lift) (?:open )?(?:my|the|our|his|her|their|it|"
        r"the flat|the house) ?(?:\w+ )?(?:door|window|lock|it)?|"
        r"tryin[g']? (?:my|the|our) (?:\w+ )?(?:door|door handle|back door|front door|windows?|handles?|locks?)|"
        r"door handle (?:is )?(?:going|moving)|breaking in(?:to)?|kicking (?:my|the|our) (?:\w+ )?door (?:in|down)|"
        r"forcing (?:my|the|our) (?:door|window)|smashing (?:my|the|our) (?:door|window)s?|"
        r"climbing (?:in|through|over) (?:my|the|our) (?:window|fence|back|balcony)|"
        r"(?:on|in) (?:my|our) balcony|inside (?:my|our) (?:car|van|house|flat|shed|garage)|"
        r"(?:someone|somebody|someones|somebodys|sum1|some1|sumone|a man|a guy|a bloke|men|people|a stranger|an intruder|"
        r"strangers?)(?:'s| is| are)? (?:in|inside|downstairs in|upstairs in|on|in to) (?:my|our|her|his|their|mum'?s|nan'?s|dad'?s) (?:back |front )?"
        r"(?:house|home|flat|hallway|kitchen|bedroom|living room|garden|back garden|shed|garage|loft|car|van|"
        r"attic|drive|driveway|yard|roof|balcony)|"
        r"(?:someone|somebody|someones|people)(?:'s| is| are)? in there|"
        r"(?:got|gotten|broken|climbed|come|came|forced (?:his|their|her) way) (?:in ?to|in through|into) (?:my|our|the) "
        r"(?:house|home|flat|bedroom|kitchen))\b",
    ),
    S(
        "crime in progress",
        r"\b(?:someone|somebody|someones|there'?s (?:someone|somebody|a man))(?:'s| is)? "
        r"(?:downstairs|in the house|in the loft|upstairs)\b|\b(?:footsteps|voices|someone|somebody) "
        r"(?:above|upstairs|downstairs|in the (?:loft|house|attic|kitchen))\b|\b(?:back|front) door (?:go|open)\b",
    ),
    S(
        "crime in progress",
        rf"\b{PERSON}{BE}? (?:stealing|nicking|taking|breaking|smashing|setting fire to|"
        rf"torching|siphoning|cutting|forcing|robbing|looting|loading|syphoning|climbing)\b"
        rf"(?! (?:a (?:break|look|photo|picture|selfie)|(?:the )?piss|part|place|over|care|time|"
        rf"(?:my|the|your) (?:order|time|turn|photo)|to (?:pass|fix|help|sort)))",
        tier=WEAK,
    ),
    S(
        "crime in progress",
        r"\b(?:watching|i can see|can see|i see) (?:someone|somebody|a man|men|people|a guy|a lad|lads|"
        r"kids|two|three|some|them)\b.{0,30}\b(?:cut|cutting|steal|stealing|take|taking|break|breaking|"
        r"nick|nicking|smash|smashing|climb|climbing|load|loading|trying|try)\b",
        tier=WEAK,
    ),
    S(
        "crime in progress",
        r"\b(?:being (?:burgled|broken into|robbed|stolen|vandalised|set alight|smashed)|"
        r"(?:burglars?|intruders?|thieves|robbers?)(?: are| is|'re|'s)? (?:here|in|inside|still|next door)|"
        r"stealing (?:my|our|the) (?:car|van|bike)\b.{0,20}\b(?:now|this second|as we speak))\b",
    ),
    S(
        "crime in progress",
        r"\b(?:banging (?:on|at) (?:my|the|our|every|all the) (?:\w+ )?(?:door|window)s?|shouting (?:and|&) screaming|"
        r"screaming (?:for help|help|and (?:shouting|crying))|someone screaming|(?:woman|girl|child|kid|baby|man|"
        r"kids|children|she|he|they)(?:'s| is| are|'re)? screaming|hear (?:a |her |him |someone |people )?(?:screaming|shouting for help|crying for help)|"
        r"trying (?:car|door) handles|looking (?:in|into|through) (?:car|my|our|the) (?:windows|window)|"
        r"hanging around (?:my|our|the) (?:car|cars|house|door)|glass (?:breaking|smashing)|"
        r"smashing glass|things smashing|fist through)\b",
        tier=WEAK,
    ),
    # The person who hurt the writer (or someone close) is here now: "the man who raped me just
    # walked into my work", "the lad that stabbed my brother is outside the shop".
    S(
        "attacker here now",
        r"\b(?:who|that) (?:raped|attacked|assaulted|abused|stabbed|battered|beat up|hurt|"
        r"stalked|threatened|groped|mugged|robbed|hit) (?:me|us|my \w+|her|him)\b(?: \w+){0,4} "
        r"(?:(?:has |'?s |is )?just (?:walked|come|came|turned|showed|pulled|got)|(?:is|'?s) "
        r"(?:here|outside|in|at|sat|stood|standing|sitting|back)|(?:walked|came|turned up|showed up) "
        r"(?:in|into|at|here|up))\b",
    ),
    # Someone following, watching or trapping the writer.
    S(
        "being followed",
        r"\b(?:(?:is|are|been|keeps?|keep on|has been|have been|'?s|'?re|started|still) following (?:me|us|my|her|him)|"
        r"follow(?:ing|in'?) me|follow(?:ing|in'?) us|(?:he'?s|she'?s|he has|she has|they'?ve|they have)(?: been)? behind (?:me|us)|stops when (?:i|we) stop|found (?:my|our) (?:new )?(?:address|house|flat)|(?:followed|following) (?:me|us) (?:from|all the way|round)|"
        r"won'?t (?:stop following|leave me alone)|"
        r"(?:sat|sitting|parked|waiting|standing|stood|lurking|hanging around) (?:up )?(?:outside|at the end of|"
        r"in|at) (?:my|our) (?:house|flat|home|door|window|work|garden|gate|drive|car park)|"
        r"watching (?:my|our|the) (?:house|flat|home|door|window)|staring (?:at|into) (?:my|our|the) (?:house|window|flat)|"
        r"outside (?:my|our) (?:house|flat|door|window) again|(?:driven|drove|gone|walked|come) past (?:my|our) "
        r"(?:house|flat|home) (?:\w+ )?(?:times|again)|keeps? slowing down|restraining order|non[- ]molestation|"
        r"(?:they'?re|he'?s|she'?s|someone'?s|someone is|they are|he is) outside (?:my|our|the) (?:house|flat|door|window|home)|"
        r"(?:they'?re|he'?s|she'?s|they are|he is|she is) (?:at|on) the (?:end|corner|top|bottom) of (?:my|our) (?:road|street|drive|lane|close|cul de sac)|"
        r"(?:i'?m|im|i am|we'?re|we are) being (?:followed|chased|stalked)|(?:found|find|found out) where (?:i|we) (?:live|work)|"
        r"know (?:i'?m|i am) (?:alone|on my own|home alone)|keeps? (?:touching|grabbing|groping|staring|filming)|"
        r"chasing (?:people|me|us|him|her|kids|someone|a \w+)|"
        r"(?:pictures?|photos?|pics?|videos?) of (?:my|our) (?:\w+'?s )?(?:house|front door|door|car|window|flat|kids|bedroom|"
        r"school(?: gate)?|street|work|nursery)|"
        r"(?:tried|trying|tryin'?) (?:my|our|the) (?:front |back |side |garden )?(?:gate|door|door handle|windows?))\b",
        tier=WEAK,
    ),
    S(
        "someone is in danger",
        r"\b(?:(?:locked|locking|locks) (?:me|us|her|him|them) in\b(?! (?:for|to|a|the (?:loop|contract|deal))\b)|(?:'?m|'?re|'?s| is| are| am|people|someone|somebody) (?:\w+ )?trapped|"
        r"(?:i'?m|im|i am|we'?re|we are) locked in (?:the|my|a)|hiding (?:in|behind|under) (?:the|my|a) "
        r"(?:bathroom|bedroom|toilets?|wardrobe|cupboard|loo|car|counter|bed)|hiding in the toilets|locked myself in|"
        r"(?:he|she|they)(?:'ll| will| is going to|'s going to|'s gonna) (?:have|take|find|check|see|grab) my phone|"
        r"locked (?:himself|herself|themselves) in (?:the |a |his |her |their )?\w+ with (?:her|him|them|me|us|"
        r"the (?:kids|baby|children)|mum|dad|my \w+)|voices (?:are |keep )?(?:telling|saying to) (?:him|her|them) to "
        r"(?:hurt|kill|harm|stab|attack)|"
        r"(?:he|she|they)(?:'s| is| are|'re) coming (?:back|in|for me|round)|won'?t let (?:me|him|her|them|us) "
        r"(?:leave|go|out|off)|scared for my life|fear(?:ing)? for (?:my|her|his|their) life|"
        r"afraid for my life|think (?:he|she|they)(?:'s| is| are)? going to hurt|"
        r"(?:touching|groping) (?:me|my (?:leg|bum|breasts?|chest))|"
        r"(?:telling|shouting at|trying to get|asking|getting) (?:me|her|him|kids|children|my \w+) (?:to )?get in(?:to)?"
        r"(?: (?:the|his|a|their) (?:car|van))?|trying to get (?:kids|children|a child|a kid|girls) into|"
        r"(?:has )?got (?:her|him|my \w+) in (?:his|the|a) (?:car|van))\b",
    ),
    S(
        "someone is in danger",
        r"\b(?:can'?t (?:talk|speak)(?! (?:to|with|for|about))(?: now| right now)?|don'?t (?:ring|call) me|"
        r"(?:he|she|they)(?:'?s|'?re| is| are) in the (?:next|other) room)\b",
        tier=WEAK,
    ),
    S("violence happening now", r"\b(?:fighting|brawling|punch-?up)\b", tier=WEAK),
    S(
        "violence happening now",
        r"\b(?:in a (?:headlock|chokehold|choke hold)|can'?t get (?:free|away)|pinned (?:me|her|him) down)\b",
    ),
    S(
        "danger on the road",
        r"\b(?:just|has just|have just) (?:run over|knocked (?:down|over)|hit|ploughed into) (?:a|an|the|two|some) "
        r"(?:walker|pedestrian|cyclist|child|kid|man|woman|lad|girl|boy|person|people|rider|horse rider)\b",
    ),
    S(
        "crime in progress",
        r"\b(?:(?:can )?see (?:a )?torch(?:es)? (?:inside|moving|in|going)|"
        r"(?:she'?s|he'?s|they'?re) in there (?:on (?:her|his|their) own|alone)|"
        r"broken into (?:the|my|our|a|her|his) (?:\w+ ){0,3}(?:house|bungalow|flat|home)\b.{0,40}\b(?:now|inside|in there))",
        tier=WEAK,
    ),
    S(
        "crime in progress",
        r"\b(?:someone|somebody|a man|a guy|people|someones)(?:'s| is)? (?:hiding )?in the back of (?:my|our|the) "
        r"(?:car|van)\b|\btoo (?:scared|frightened|afraid) to (?:get out|move|leave|go out)\b",
        tier=WEAK,
    ),
    S(
        "someone is in danger",
        r"\b(?:(?:don'?t|do not|doesn'?t|does not) feel safe|not safe (?:here|at home|in (?:my|our|the) (?:own )?(?:house|home|flat))|"
        r"trying to (?:take|grab|snatch|drag) (?:them|the (?:kids|children|baby)|my (?:son|daughter|kids|children|baby|boy|girl))|"
        r"turned up (?:drunk|pissed|off (?:his|her) (?:face|head)|with a))\b",
        tier=WEAK,
    ),
    S(
        "someone is in danger",
        r"\b(?:(?:doesn'?t|does not|don'?t|do not) seem to know where (?:he|she|they) (?:is|are)|"
        r"(?:he|she) (?:doesn'?t|does not) know where (?:he|she) is|"
        r"(?:out|outside|sitting|sat|wandering|walking) (?:\w+ ){0,4}in (?:his|her|their) "
        r"(?:vest|pyjamas|nightie|nightdress|dressing gown|slippers))\b",
        tier=WEAK,
    ),
    S(
        "crime just happened",
        r"\b(?:(?:he|she|they)(?:'s| has|'ve| have) (?:just )?(?:kicked|punched|hit|slapped|headbutted|strangled|choked|bitten|"
        r"burnt|burned|stabbed) (?:me|her|him|us|my))\b",
        tier=WEAK,
    ),
    S(
        "crime just happened",
        # The group in "h(e)re" keeps "now" as the literal the pre-check looks for: "here" is in most
        # messages, "now" in few.
        r"\b(?:they'?re|he'?s|she'?s|they are|he is|she is) (?:still )?(?:there|h(e)re|outside|inside|in there) "
        r"(?:right )?now\b",
        tier=WEAK,
    ),
    S(
        "someone is in danger",
        r"\b(?:(?:lit|burning|flaming) (?:\w+ )?(?:through|into) (?:my|our|the|her|his) letterbox|"
        r"(?:pushing|pushed|put|putting|poured|pouring) (?:a |some )?(?:lit|burning|petrol|fire|flaming)\b.{0,30}\bletterbox|"
        r"(?:being|been) held (?:in|at|against|captive|hostage|prisoner)|(?:in|inside) the boot of (?:a|the|his|their) car|"
        r"(?:broken|smashed|kicked) (?:the|my|our) (?:\w+ )?door (?:down |in )?and (?:he'?s|she'?s|they'?re) coming|"
        r"(?:baby|toddler|child|kid)s? (?:has been |been |was )?left (?:alone |on (?:its|his|her) own )?(?:in|outside)\b.{0,40}\b(?:hour|hours|rain|cold|heat|dark|nobody|no one))\b",
    ),
    S(
        "being followed",
        r"\b(?:(?:is|'?s) in the (?:building|shop|pub|office|school|hospital) looking for me|"
        r"(?:not supposed|not allowed|isn'?t allowed|is not allowed) to (?:come|be) (?:within|near)|breach(?:ing|ed)? (?:his|her|the) (?:bail|order|injunction))\b",
        tier=WEAK,
    ),
    # Someone in trouble in the water, or cut off by the sea: "swimmer in trouble at Cayton Bay
    # waving his arms", "two kids cut off by the tide".
    S(
        "someone is in danger",
        r"\b(?:swimmer|someone|somebody|a man|a woman|a kid|a child|kids|children|a lad|a girl|a boy|"
        r"paddle ?boarder|kayaker|person|people|dog walker|a dog and (?:its|his|her) owner)"
        r" (?:in (?:trouble|difficulty|difficulties)|struggling|waving (?:his|her|their) arms|"
        r"being (?:swept|pulled|dragged) (?:out|away|under)|getting (?:swept|pulled|dragged) (?:out|away|under)|"
        r"cut off by the (?:tide|sea|water))\b",
    ),
    # Someone's board, boat or dog has come back without them: "her board's just washed up
    # without her".
    S(
        "someone is in danger",
        r"\b(?:board|paddle ?board|surf ?board|kayak|canoe|boat|dinghy|dog|horse|pony)(?:'s| has| have)? "
        r"(?:just )?(?:washed up|come (?:back|in|ashore)|came (?:back|in|ashore)|drifted (?:in|back|ashore)|"
        r"been found|turned up)\b[^.!?]{0,40}? without (?:him|her|them)\b|"
        r"\b(?:washed up|drifted ashore) without (?:him|her|them)\b",
    ),
    # Flood water getting into a home: with "now" ("faster than we can bail") or another sign.
    S(
        "someone is in danger",
        r"\bwater(?:'s| is)? (?:coming|pouring|gushing|rising|getting|flooding) (?:in )?(?:under|through|into|in|up) "
        r"(?:the|our|my) (?:\w+ )?(?:door|house|home|windows?|downstairs|stairs|kitchen|living room)\b",
        tier=WEAK,
    ),
    # Danger on the road happening now: a driver going at people, animals loose on a main road.
    S(
        "someone is in danger",
        r"\b(?:(?:driven|drove|driving|drive|drives|swerved|swerving|revving|reversed|aimed) "
        r"(?:straight |right )?(?:at|into|towards) (?:the )?(?:people|crowd|pedestrians|kids|children|us|"
        r"a group|the group|them)|"
        r"(?:already )?(?:clipped|knocked down|run over|hit) (?:one|a kid|a child|someone|somebody|a lad|a girl|a boy)|"
        r"(?:horses?|ponies|pony|cows?|cattle|sheep|bullocks?|deer|a bull) (?:are |is )?(?:loose|out|running|wandering|"
        r"all over) (?:on|in|along|across|down) (?:the )?(?:road|a\d+|m\d+|motorway|dual carriageway|bypass|main road))\b",
    ),
    # A fraud under way: the "courier" is on the way to collect the cards or the cash.
    S(
        "crime in progress",
        r"\b(?:courier|taxi|driver|someone|somebody|a man|a woman|a lady|a gentleman|they|he|she)(?:'?s| is| are|'?re)? "
        r"(?:coming|on (?:his|her|their) way|sending (?:a|someone)|due) (?:\w+ ){0,6}to (?:collect|pick up|take) "
        r"(?:my|the|her|his|their|our|mum'?s|dad'?s) (?:bank )?(?:cards?|cash|money|savings|jewellery|gold|pin)\b",
    ),
    # A fraud under way on a computer or phone: strangers in control of it, moving the money.
    S(
        "crime in progress",
        r"\b(?:remote access|remote control|remotely (?:accessing|controlling)|(?:taken|taking|got|have) control) "
        r"(?:to |of |over |into )?(?:his|her|their|my|our|mum'?s|dad'?s|nan'?s|the) (?:laptop|computer|pc|phone|"
        r"tablet|ipad|screen|bank(?:ing)?(?: app)?|accounts?)\b|"
        r"\b(?:are|is|'re|'s) (?:moving|transferring|taking|draining|emptying) (?:(?:all )?(?:the |his |her |their |my )?"
        r"(?:money|cash|savings|funds) )?(?:out of|from|between|across) (?:his|her|their|my|our|the) "
        r"(?:(?:bank|savings|other) )?(?:accounts?|bank)\b",
        tier=WEAK,
    ),
    # Drinks spiked, people falling ill now.
    S(
        "someone is hurt",
        r"\b(?:(?:drinks?|she|he|they|we|i|someone|people)(?:'?ve|'?s| (?:were|was|have|has|are|is|been))*"
        r" (?:been |being |got |getting )?spiked|put something in (?:my|her|his|our|their) drinks?)\b",
        tier=WEAK,
    ),
    # Held against their will: "the girls aren't allowed out and the boss has their passports".
    S(
        "someone is in danger",
        r"\b(?:(?:aren'?t|are not|isn'?t|is not|not) allowed (?:out|to leave|to go out|outside)|"
        r"(?:has|have|took|taken|keeps|kept|holding) (?:their|her|his) (?:passports?|papers|id|documents)|"
        r"(?:locked|kept) in (?:the|a) (?:back room|room|basement|cellar|shed|van)|"
        r"being (?:led|taken|walked|dragged|bundled|put|pushed) (?:away|off|into (?:a|the) (?:car|van|taxi)) by)\b",
        tier=WEAK,
    ),
    # A threat aimed at anyone who comes near.
    S(
        "threat to life",
        r"\bthreaten(?:ing|s|ed)? to (?:shoot|stab|kill|hurt|attack|burn) (?:\w+ ){0,4}"
        r"(?:anyone|anybody|everyone|everybody|people|whoever)\b",
        tier=WEAK,
    ),
    # Words of danger on their own: weak, so they count only with a sign of "now" or another
    # signal, and only after the checks for past, story, joke and negation.
    S(
        "words of danger",
        r"\b(?:blood|bleeding|bled|knife|knives|blade|machete|gun|guns|shotgun|weapon|stabbed|"
        r"shots(?! (?:of|for)\b)|taken something|heart (?:is |'?s )?(?:going|racing|pounding|beating) (?:so |really |very )?(?:fast|hard)|people (?:are )?running|everyone (?:is )?running|"
        r"unconscious|screaming|screams|attacking|attacked|punching|kicking|hurting|injured|"
        r"smoke(?! alarm| detector)|flames|drowning|overdose|overdosed|suicidal|trapped|kidnapped|abducted|threatening|"
        r"strangling|choking|beaten|battered|raped|assaulted|collapsed|terrified|petrified|hysterical|"
        r"panicking|hiding|balaclavas?|intruders?|burglars?|gunshots?|explosion|"
        r"crushed|unresponsive|fitting|seizure|convulsing|passed out|passing out|noose|"
        r"cliff|ledge|parapet|railings|cold water|through the ice|on the ice|petrol|gas)\b",
        tier=WEAK,
    ),
    S(
        "someone is scared",
        r"\b(?:i'?m|im|i am|we'?re|we are|i feel|i'?m so|she'?s|he'?s) (?:really |so |very |absolutely )?"
        r"(?:scared|terrified|frightened|petrified|afraid|panicking|shaking|in tears)\b|\bhiding\b|\bin tears\b",
        tier=SUPPORTING,
    ),
    # A fire nobody has seen yet: "I can smell burning through the wall".
    S(
        "someone is in danger",
        r"\b(?:smell of|can smell) (?:burning|smoke)\b|"
        r"\bsmoke alarms? (?:(?:has|have) been |is |'s |are |keeps? )?(?:going|beeping|sounding)\b",
        tier=WEAK,
    ),
    # A weapon in emoji: "🔪🔪😭 Fossgate now pls".
    S("words of danger", "🔪|🔫|🩸", tier=WEAK),
    # Stripping lead from a roof: "lads on the church roof peeling the lead off".
    S(
        "crime in progress",
        r"\b(?:taking|peeling|stripping|ripping|nicking|pulling|rolling up) (?:the |all the )?lead (?:off|from|up)\b",
        tier=WEAK,
    ),
    # Written with someone watching: "he's reading over my shoulder", "he checks my phone".
    S(
        "someone is controlled",
        r"\b(?:he'?s|she'?s|he is|she is|they'?re|they are) (?:reading|watching|looking|checking|listening)"
        r"(?: over| at)? (?:my shoulder|my (?:phone|messages|screen))\b|"
        # Writing in code, or unable to call because of who is there.
        r"\bpretend (?:i'?m|im|i am|this is|it'?s|we'?re) (?:just )?(?:asking|about|a question|talking|chatting|enquiring)\b|"
        r"\bcan'?t (?:ring|call|phone|talk|speak)\W{0,3}(?:because |as |cos |coz )?(?:he|she|they)(?:'?s| is|'?re| are)? "
        r"(?:checks?|checking|listening|listens|reads?|reading|watching|watches|here|in the|next to|right (?:here|there|next))\b",
        tier=WEAK,
    ),
    S(
        "asking for help",
        r"\b(?:help me|help us|please help|send (?:someone|help|police|the police|a car|an ambulance|an officer|officers)|"
        r"call (?:999|the police|an ambulance) for me|need (?:the )?police (?:now|here|urgently)|"
        r"need (?:someone|somebody|police|officers) (?:at|to|here|in)|need help now|come quick(?:ly)?|"
        r"please hurry|hurry please|sos|pls send|please send|get someone (?:to|here|round)|help ?!+|help please)\b",
        tier=SUPPORTING,
    ),
    S(
        "in distress",
        r"\b(?:(?:actually )?no,? (?:actually,? )?)?(?:i'?m|im|i am) (?:really |just |so )?not (?:ok|okay|alright|all right|safe|coping)\b"
        r"(?! (?:with|about|that|to|if|for|at all with)\b)",
        tier=SUPPORTING,
    ),
    # Self-harm.
    S(
        "self-harm",
        rf"\b(?:kill {SELF}|end (?:it all|my life|his life|her life|their life|it tonight|it now|things|it)\b(?! (?:with|between)|s\b)|want(?:s)? (?:to )?die|wanna die|"
        rf"thinking (?:about|of) (?:going in|jumping|ending it|killing|ending my)|can'?t keep going|"
        rf"want(?:s)? to be dead|don'?t want to (?:be here|live|wake up|be alive|go on)|"
        rf"take my (?:own )?life|hurt(?:ing)? {SELF}|cut(?:ting)? {SELF}|jump(?:ing)? off (?:the|a)|"
        rf"going to jump|suicidal|suicide note|no (?:reason|point) (?:to|in) (?:live|living|going on)|"
        rf"better off without me|won'?t be (?:here|around) (?:tomorrow|much longer|anymore)|"
        rf"can'?t go on|this is goodbye|goodbye (?:everyone|all)|(?:it'?s|its) too late for me\b(?! to)|"
        rf"(?:i'?ve|ive|i have) (?:written|left) (?:the|my) (?:letters|notes|goodbye (?:letters?|notes?))|"
        rf"(?:this is|these are) my last (?:message|words|post|day|night)|my last message|"
        rf"(?:it'?s|its|tonight is|tonight'?s) (?:my|her|his|their) last (?:message|words|night)\b(?! (?:in|at|here|of|before|with|on|shift|as))|"
        rf"(?:ends?|ending) (?:it all|it tonight|it now|his life|her life|their life)|(?:he|she|they|i) (?:ends?|ending) it\b(?! (?:with|between))|"
        rf"taken (?:everything|the lot|all of it)(?: that was)? (?:in|from|out of) (?:the|her|his|my) (?:cupboard|medicine|cabinet|drawer|box)|"
        rf"(?:picture|photo|pic|video) of (?:a load of |loads of |all (?:my|her|his) |a pile of |some )?(?:tablets|pills|a rope|a noose|the bridge|the river|the edge)|"
        rf"engine running in (?:the|a|my|his|her) (?:garage|shut)|(?:hose|pipe) (?:in|into|from|on) the exhaust|"
        rf"(?:said|says|saying|told (?:me|us|her|him)) (?:that )?(?:we|you|i|they|everyone)(?:'d| would| are|'re)? (?:all )?be better off without (?:him|her|me|them)|"
        rf"(?:a|the|got a|have a|bought a) rope|noose|hang {SELF}|hanging {SELF}|"
        rf"(?:pills|tablets) (?:in front of me|ready|lined up)|"
        rf"(?:taken|took|taking|swallowed|had|necked|downed) (?:all |a load of |loads of |a bunch of |a whole |"
        rf"an |the |a |my |his |her |all (?:my|his|her) |a (?:full )?(?:packet|box|bottle|handful|lot) of )"
        rf"?(?:(?:my|his|her) )?(?:sleeping )?(?:tablets|pills|paracetamol|meds|medication|overdose|"
        rf"packet|box of|bottle of pills)|overdos(?:e|ed|ing)|done it (?:properly|for real|right) this time|"
        rf"(?:drunk|drank|taken|took|swallowed|necked|downed) (?:all|the whole|a whole|the rest) (?:of )?(?:my |the |his |her )?"
        rf"(?:\w+ )?(?:methadone|insulin|tablets|pills|meds|medication|prescription|bottle|packet)|"
        rf"(?:i'?ve|ive|i have|he'?s|she'?s|he has|she has) (?:just )?done something (?:stupid|silly|daft|really stupid)|"
        rf"(?:not asking|don'?t want|do not want) (?:you|anyone|anybody) to stop me|(?:don'?t|do not) (?:try to|bother trying to) stop me)\b",
        past="long",
    ),
    S(
        "self-harm",
        r"\b(?:on|at the edge of|standing on|stood on|sat on|sitting on|at the top of|on top of) (?:the|a) "
        r"(?:edge of the |wrong side of the )?(?:bridge|cliff|cliffs|roof|ledge|railings|multi[- ]?storey|"
        r"car park roof|viaduct|cliff edge|bridge edge|footbridge)\b|\bwrong side of the (?:railings|barrier|fence)\b|"
        r"\b(?:climbed|climbing) (?:over|onto|on to) the (?:barrier|railings?|edge|parapet|wall|fence)\b",
        tier=WEAK,
        past="long",
    ),
    S(
        "self-harm",
        r"\b(?:can'?t (?:do this|cope|take (?:it|this|any more|anymore)|carry on|stop crying)|"
        r"had enough of (?:everything|life|it all)|(?:nobody|no one|no-one) (?:would|will) (?:even |really )?(?:miss|notice|care)|"
        r"(?:i'?m|im|i am|he'?s|she'?s|he is|she is|they'?re) (?:so |really )?sorry for everything|tell (?:my|them|him|her) .{0,20}(?:i love (?:them|him|her|you)|(?:i'?m|im|i am) sorry)|"
        r"(?:saying|said|says|telling (?:me|us)|told (?:me|us)) (?:that )?(?:he|she|they) loves? (?:me|us|them|everyone|you)|"
        r"(?:got|have|brought|bought|taken|with|and) (?:a|the|my|his|her) hose ?pipe|^\W*(?:i'?m|im|i am) (?:so |really )?sorry\W*$|saying goodbye|say(?:ing)? (?:my )?goodbyes?|"
        r"(?:written|wrote|left) (?:my|the) (?:goodbye |suicide )?(?:letters|notes|goodbyes)|"
        r"(?:written|wrote|left) (?:a|the|my) (?:goodbye|suicide) (?:letter|note)|tonight(?:'?s| is) the night|"
        r"(?:written|wrote|left) (?:letters|notes) for (?:everyone|everybody|the family|my \w+|them|the kids)|"
        r"(?:(?:the|a|my) )?note(?:'s| is) (?:on|in|under|by) (?:the|my) (?:dashboard|table|kitchen table|bed|pillow|side|seat|mantelpiece)|"
        r"(?:gonna|going to|i'?ll|i will) do it (?:tonight|today|now|later tonight)|"
        r"(?:just )?(?:taken|took|had|drunk|drank) (?:some )?more(?= ?[.,!;]|$)|getting (?:really )?(?:sleepy|drowsy)|"
        # The negation belongs to the phrase: "so they don't have to be the ones to find me".
        r"(?:(?:don'?t|do not|doesn'?t|won'?t|not) (?:\w+ ){0,4})?(?:be the ones?|have|having) to find me|"
        r"(?:is|isn'?t|is not|are|aren'?t|are not|be) the ones? (?:to find|who finds?) me|"
        r"won'?t be needing (?:anyone|anybody|anything|you|it|them) (?:any ?more|again)|"
        r"(?:(?:i|he|she|they|we)(?:'?m|'?s|'?re| am| is| are|'?ve been| have been| has been)|been|driving|drive|drove|"
        r"walking|walked|gone|go|going|went|heading|headed|run|ran|wandered|wandering|out)"
        r" (?:off |out |up |down |back |home )?(?:in|into|to|towards|through) the woods)\b",
        tier=WEAK,
        past="long",
    ),
    S(
        "self-harm",
        r"\b(?:taken|took|taking|swallowed|had|necked|downed) (?:about |like |over |nearly |at least )?"
        r"(?:\d+|ten|twenty|thirty|forty|fifty|loads|dozens)(?: of)? (?:(?:my|his|her|their|the) )?(?:\w+ )?"
        r"(?:tablets|pills|paracetamol|ibuprofen|co-?codamol|codeine|aspirin|antidepressants|sleeping pills|sertraline|citalopram|fluoxetine|amitriptyline|mirtazapine|quetiapine|tramadol|diazepam|zopiclone|propranolol|methadone|insulin|lithium)\b",
        past="long",
    ),
    S(
        "threat to life",
        r"\b(?:finish (?:what (?:he|she|they|i) started|(?:me|her|him|us|them|the job) off)|"
        r"(?:and|to|'ll|will|gonna|going to) finish (?:me|her|him|us|them)\b|"
        r"(?:he'?s|she'?s|they'?re|he is|she is|they are) (?:only )?(?:\d+|five|ten|a few|two) (?:mins?|minutes) away)\b",
        tier=WEAK,
    ),
    S(
        "someone is hurt",
        r"\b(?:eyes (?:are |keep )?rolling(?: back| up)?|(?:gone|went|going) (?:quiet|limp|floppy) after taking)\b",
    ),
    # A plea for someone to come now: people write "come quick" only when it matters.
    S(
        "asking for help now",
        r"\b(?:(?:please|pls|plz|u need (?:to|2)|you need (?:to|2)) (?:just )?come|^\W*come) "
        r"(?:now|quick(?:ly)?|asap|fast|right now|straight away|round now|here now)\b",
    ),
    # The person feared has come: "he found me", "she's at the door".
    S(
        "someone is in danger",
        r"\b(?:(?:he|she|they|my ex)(?: has|'?s|'?ve| have)? (?:found|tracked(?: down)?) (?:me|us)\b|"
        r"(?:he|she|they|my ex)(?:'?s| is|'?re| are) (?:back )?(?:at (?:the|my|our) (?:door|window|front door|back door)|"
        r"outside (?:my|our|the) (?:house|door|flat|window|work)))",
        tier=WEAK,
    ),
    S(
        "violence happening now",
        rf"\b(?:(?:is|'?s|are|'?re) (?:going for|laying into|setting about|going at|squaring up to) {VICTIM}\b|"
        r"squeez\w* (?:my|her|his|their) (?:neck|throat)|by the (?:throat|neck)\b)",
    ),
    S(
        "violence happening now",
        r"\b(?:i'?ve|i have|we'?ve|we have|i'?m being|i am being|we'?re being) (?:been )?"
        r"(?:kidnapped|abducted|trafficked|sold(?! (?:a|an|the|some|my|on|out|this|that|it|them|him|her)\b))",
    ),
    S(
        "someone is in danger",
        r"\b(?:taken|took|kept|keeping|got|have) (?:my|our) (?:passports?|papers|documents)\b|"
        r"\b(?:weaving|swerving) (?:all over|across|about|between|in and out)\b",
        tier=WEAK,
    ),
)

# A missing person is an emergency when they are vulnerable or the writer fears for them.
MISSING = rx(
    rf"\b(?:(?:has|have|had|is|are|'?s|'?re|was|were|been|gone|went|go|goes|reported) missing"
    rf"(?! (?:her|his|their|my|our|your|the|you|him|them|out|a|an|it|me|us|home)\b)|"
    rf"missing (?:since|from (?:home|school|the|our|his|her|their|my|a|an)\b|for (?:\d+|two|three|an?|hours|days))|"
    rf"hasn'?t (?:come|got|been|returned|came) (?:home|back)|has not (?:come|returned) (?:home|back)|"
    rf"(?:didn'?t|did not|never) (?:come|get|make it|return) (?:home|back)|"
    rf"(?:never|didn'?t|did not) (?:arrived?|turned? up|showed? up|made it)\b(?! (?:on|in) time)|"
    rf"(?:haven'?t|hasn'?t|have not|has not) (?:arrived|turned up|shown up|made it|checked in)\b(?! (?:on|in) time)|"
    rf"(?:not|hasn'?t|haven'?t|has not|didn'?t) (?:opened|open) (?:her|his|their|the) curtains|"
    rf"(?:didn'?t|did not|never) (?:come|came) out of (?:school|nursery|class|the (?:school|club|centre|pool))|"
    rf"left with (?:someone|somebody|a man|a woman|an adult|a stranger)(?: (?:we|i|they|she|he)) (?:don'?t|do not|doesn'?t) know|"
    rf"not (?:come|came|got|been|returned) (?:home|back)|isn'?t (?:home|back)|still not (?:home|back)|"
    rf"(?:'?s|is|are|'?re) not (?:home|back)|not (?:home|back) yet|not back(?= ?[.,!;]|$)|"
    rf"(?:his |her |their )?phone(?:'s| is)(?: still)? (?:here|at home)\b|"
    rf"can'?t find {KIN}(?!'?s\b)|cannot find {KIN}(?!'?s\b)|can'?t find (?:her|him|them)\b|lost {KIN}(?!'?s\b)|"
    rf"wandered (?:off|out)|walked out|(?:gone|went|walked|wandered|got|slipped) out (?:of )?(?:the )?(?:fire exit|fire door|front door|back door)|(?:he'?s|she'?s|they'?ve|he has|she has) (?:just )?gone\b(?! (?:to|out|home|back|off|in|into|for|up|down|now|quiet|silent))|stormed out|(?:'?s|is) not in the (?:house|flat|garden|room)|"
    rf"ran off|run away|ran away|run off|has run off|gone off with|run off with|ran off with|left a note|"
    rf"(?:we'?ve|i'?ve|we have|i have) lost (?:him|her|them|our|my)|(?:been )?taken (?:out of|from|away from) (?:the|her|his|their|a)|"
    rf"disappeared|(?:nobody|no one|no-one) (?:has|knows|'?s) seen|"
    rf"(?:nobody|no one|no-one|can'?t|cannot|couldn'?t) (?:can |could )?get hold of (?:him|her|them)\b|"
    rf"(?:(?:don'?t|do not|doesn'?t) know|(?:nobody|no one|no-one) knows) where (?:he|she|they)(?: is| are| has gone| have gone|'ve gone|'s gone| went)|"
    rf"no idea where (?:he|she|they)|"
    rf"(?:not|isn'?t|isnt|is not) answering(?: (?:his|her|their|the) (?:phone|door|calls))?|"
    rf"phone (?:is |'s )?(?:now |still |been )?(?:off|dead|switched off|turned off|going straight to voicemail)|should have been (?:home|back)|"
    rf"(?:car|van|bike)(?: is|'s)? still (?:at|in|on|parked)|(?:not|hasn'?t|has not|haven'?t) answered (?:since|for|all)|no answer (?:for )?(?:\d+|two|three|four|five|several) days|(?:hasn'?t|has not|not) been seen|(?:haven'?t|not) seen (?:her|him|them) (?:since|for)|"
    rf"(?:hasn'?t|has not|not) (?:collected|taken in|picked up) (?:her|his|their|the) (?:milk|post|papers?)|"
    rf"curtains (?:are |have been )?(?:still )?(?:shut|closed|drawn)|no answer at the door|(?:isn'?t|not) (?:answering|opening) the door|"
    rf"not (?:picking up|answering)(?: (?:his|her|their|the) (?:phone|door|calls))?|(?:just )?rings? out\b|pressed (?:his|her|their) (?:alarm|pendant|button))"
)
VULNERABLE = rx(
    r"\b(?:dementia|alzheimer'?s|autis(?:m|tic)|learning (?:disab|difficult)\w*|special needs|vulnerable|"
    r"diabetic|epilep\w*|insulin|medication|meds|tablets|suicidal|depressed|confused|frail|disabled|"
    r"wheelchair|non[- ]verbal|elderly|pensioner|(?:in )?(?:his|her) (?:70s|80s|90s|eighties|nineties)|"
    r"old (?:lady|man|fella|gent|gentleman|chap|boy|girl|dear|couple)|(?:is|'s|she'?s|he'?s) (?:7|8|9)\d\b|"
    r"(?:[1-9]|1[0-7]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen) ?[- ]?(?:years?|yrs?|yo|y/o)(?:[- ]?old)?|"
    r"(?:7[5-9]|8\d|9\d|1[01]\d) ?[- ]?(?:years?|yrs?|yo)(?:[- ]?old)?|aged? (?:[1-9]|1[0-7]|7[5-9]|8\d|9\d)\b|"
    r"(?:is|she'?s|he'?s|they'?re|only|'s) (?:[1-9]|1[0-7]|7[5-9]|8\d|9\d)\b(?! (?:mins?|minutes|hours|miles|mph|quid|pounds|o'?clock|pm|am))|"
    r"toddler|little (?:boy|girl|one)|child|kid|baby|my (?:son|daughter|boy|girl)|"
    r"nan|nana|gran|granny|grandma|grandad|grandpa|care home|lives alone|on (?:his|her) own|"
    r"freezing|cold out|minus|in the dark|it'?s dark|getting dark|slippers|pyjamas|nightie|dressing gown|no coat|"
    r"(?:not|isn'?t) like (?:him|her|them)|out of character|never done this|worried sick|really worried|"
    r"so worried|desperate|frantic|really low|been (?:very |so |really )?low|"
    r"left (?:her|his|their) (?:purse|phone|wallet|keys|bag|medication|meds|coat|handbag)|struggling|mental health|self[- ]harm|"
    r"not (?:himself|herself)|threatened to|older man|met online|curtains|(?:left|leaving|found) (?:a|her|his) note|"
    r"warfarin|blood thinners|had a (?:fall|stroke|heart attack)|(?:for )?(?:\d+|two|three|four|five|several) days|"
    r"guns?|shotguns?|rifles?|firearms?|gun cabinet|funeral|bereaved|grieving)\b"
)
# Not people: pets, parcels and property go missing too.
MISSING_NOT_PERSON = rx(
    r"\b(?:dog|cat|puppy|kitten|pet|tortoise|parrot|horse|parcel|package|delivery|post|letter|"
    r"bike|bicycle|car|van|wallet|purse|phone|keys|bag|handbag|item|items|plates?|sign|"
    r"bins?|wheelie bin|tools|jewellery|ring|watch|money|cash|report|paperwork|form|reply|"
    r"response|update|crime number|reference|statement|appeal|poster|emails?|calls?|messages?)s?\b|"
    # "she's had £200 go missing"
    r"£ ?\d[\d,.]*\b|\b\d+ (?:quid|pounds)\b"
)
FOUND = rx(
    r"(?<!n't\s)(?<!nt\s)(?<!not\s)(?<!never\s)\b(?:(?:has been|'?s been|was|been|now|were) found|"
    r"found (?:safe|safe and well|him|her|them|me|us|my (?:\w+ )?(?:dad|mum|son|daughter|nan|gran|grandad|husband|wife|brother|sister|boy|girl|lad|lass|kid|child))|safe home|(?:is|'?s|are|came|come|got) (?:home|back)(?: now| safe| safely)"
    r"|home safe|safe and well|thank you for (?:finding|sharing|bringing)|thanks for (?:finding|sharing|bringing))\b"
)

# --- cues about time, mood and reality ---------------------------------------------------------
# Happening now: strong enough to outweigh a past-time word in the same sentence. "I still think
# about it" is memory, not "now".
NOW_STRONG = rx(
    r"\b(?:right now|rn|(?<!report\x20it\x20)(?<!report\x20this\x20)(?<!to\x20report\x20)(?<!ready\x20)now|at the moment|atm|currently|as we speak|"
    r"as i (?:type|write)|just now|"
    r"still(?! (?:haven'?t|hasn'?t|not|no|waiting|nothing|never|don'?t|didn'?t|can'?t|think|thinks|remember|miss|misses|dream|have nightmares|get flashbacks|grieving))|happening|tonight|"
    r"this minute|this second|asap|urgent(?:ly)?|hurry|quick(?:ly)?|"
    r"is happening|going on|again)\b"
)
# A whole message that is nothing but a plea ("help me", "pls send someone", "come quick"),
# read by the engine on the whole message: as a sentence of a longer message ("Can you help?")
# it is how people ask for service. Not after a mention either: "@united help!" is how people
# chase an airline.
PLEA_ONLY = rx(
    r"^\W*(?:(?:please |pls |plz |someone |somebody )?(?:help(?: me| us)?|send (?:someone|somebody|help|"
    r"the police|police)|come (?:quick|quickly|now|fast))(?: please| pls| plz| now| quick)*|pls|plz|please)\W*$"
)
# Any sign of the present or of a plea: enough to confirm a weak danger signal.
NOW = rx(
    r"\b(?:right now|rn|(?<!report\x20it\x20)(?<!report\x20this\x20)(?<!to\x20report\x20)(?<!ready\x20)now|at the moment|atm|currently|as we speak|"
    r"as i (?:type|write)|just now|"
    r"still(?! (?:haven'?t|hasn'?t|not|no|waiting|nothing|never|don'?t|didn'?t|can'?t|think|thinks|remember|miss|misses|dream|have nightmares|get flashbacks|grieving))|happening|tonight|"
    r"this minute|this second|quick|quickly|hurry|asap|urgent(?:ly)?|please|pls|wo?n'?t stop|faster than (?:we|i) can|"
    r"help|can hear|can see|i hear|i see|is happening|going on|(?<!where\x20i\x20)(?<!where\x20we\x20)(?<!where\x20she\x20)(?<!where\x20he\x20)live(?! (?:q ?(?:&|and) ?a|session|chat|stream|event|music|band))|[1-5] ?am|middle of the night|"
    r"i'?m (?:on|in|at|hiding|upstairs|downstairs|alone|on my own)|on my own|alone|"
    r"(?:he|she|they)(?:'s| is|'re| are) (?:on|in|at|sat|stood|standing|sitting|up there|still there)|minutes|mins)\b|!{2,}"
)
# "since this morning" is how long it has gone on, not when it happened.
PAST = rx(
    r"\b(?<!since\x20)(?:last (?:night|week|month|year|weekend|summer|winter|spring|autumn|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|time|christmas|term)|yesterday|"
    r"(?:\d+|a few|few|a couple of|couple of|two|three|four|several|some|many) (?:days|weeks|months|years|decades) "
    r"(?:ago|back)|(?<!minutes\x20)(?<!minute\x20)(?<!mins\x20)(?<!min\x20)(?<!seconds\x20)ago|back in (?:the day|(?:19|20)\d\d|january|february|march|april|may|june|july|august|september|october|november|december)|in (?:19|20)\d\d|earlier this (?:week|month|year)|the other (?:day|night|week)|"
    r"over the (?:weekend|summer|holidays)|remember when|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(?: (?:night|morning|afternoon|evening))?|when i was|used to|years back|a while back|"
    r"happened|at the weekend|over christmas|in (?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december)|previously|in the past|there was|there were|was seen|were seen|"
    r"for (?:\d+|a few|two|three|four|five|six|several|many) (?:weeks|months|years)|for (?:weeks|months|years)(?: now| on end)?|this morning|overnight|"
    r"earlier today|earlier|(?:most|every) (?:weekend|night|evening|morning|day|week)s?|(?:in|during) the night|"
    r"i (?:rang|phoned|called|dialled) (?:999|101) when|(?:rang|phoned|called|dialled) (?:999|101) about|"
    r"(?:cctv|footage|doorbell camera|ring doorbell|dashcam) (?:shows|showed|footage|caught|recorded)|"
    r"(?:the )?(?:last|latest) (?:one|time|message|call|letter) was)\b"
)
# It is over, or the person is safe: overrules every signal, self-harm included.
SAFE_NOW = rx(
    r"\b(?:(?:is|are|'?s|'?re) (?:doing (?:so |really |much |very )?(?:well|better|great|ok|okay|fine)|recovering)|"
    r"talked (?:him|her|them|my \w+) (?:down|out of)|not in (?:any )?(?:immediate )?danger|"
    r"(?:she|he|they)(?:'?s|'?re| is| are) (?:safe|ok|okay|fine)(?: now)? (?:with|at|in) (?:us|me|home|hospital|school|work)|"
    r"turn(?:ed|s) out (?:to be|it was)|false alarm|as (?:usual|normal|prescribed)|dosette)\b"
)
# Long ago: cancels even self-harm and missing-person signals (a son's overdose last month).
LONG_PAST = rx(
    r"\b(?:last (?:week|month|year|summer|winter|spring|autumn|christmas)|(?:\d+|a few|few|a couple of|"
    r"couple of|two|three|four|several|some|many) (?:weeks|months|years|decades) (?:ago|back)|back in (?:the day|(?:19|20)\d\d|january|february|march|april|may|june|july|august|september|october|november|december)|"
    r"in (?:19|20)\d\d|when i was|used to|years back|a while back|in the past|previously|years ago|"
    r"(?:\d+|two|three|four|five|ten|twenty|many) years since|"
    r"sometimes|at times|from time to time|on and off|"
    r"(?:is|are|'?s|'?re) (?:doing (?:well|better|ok|okay|fine)|recovering|ok now|fine now))\b"
)
# Idioms that use alarming words for ordinary things. ("(?!is )": the "i" of "is" is no subject,
# so "the van is on fire" is no idiom; nor is "it's on fire" or "that's on fire". The look-behinds
# use \x20 for a space: ``rx`` widens a written space, and a look-behind must keep one width.)
FIGURATIVE = rx(
    r"\b(?:(?<!\bhe\x20)(?<!\bshe\x20)(?:is|are|was|it'?s|its|that'?s|this|traffic|queue|heat|"
    r"commute|job|work|kids|boss|weather|wait|suspense|hill|exam|hangover|back|feet|legs)\s+"
    r"(?:\w+ )?(?:literally )?killing (?:me|us)|"
    # ... but "he's killing me" is someone being hurt, not worn out.
    r"(?<!\bhe's\x20)(?<!\bshe's\x20)(?<!\bhes\x20)(?<!\bshes\x20)(?<!\bhe\x20is\x20)"
    r"(?<!\bshe\x20is\x20)killing (?:me|us)|"
    r"kill(?:ed|ing)? it|i'?d kill for|would kill for|kill for an? |could murder an? |murder an? |"
    r"(?:dying|died|dead) (?:for|to|of (?:laughter|embarrassment|boredom|shame)|laughing|of laughing)|"
    r"die of (?:\w+ )?(?:boredom|embarrassment|shame|laughter|cringe|thirst|hunger|heat|old age)|"
    r"to die for|(?:i'?m|im|i am) (?:literally )?(?:dead|dying|deceased)\b|"
    r"nearly died laughing|kill(?:ing|ed)? (?:myself|me|us) laughing|laughed my head off|"
    r"(?!is )(?:he|she|you|they|we|i|band|team|crowd|gig|show|set|night|song|video|dj|lads|girls|"
    r"tune|album|match|game|performance|speech|post|feed)(?:'?s|'?re| is| are| was| were)? "
    r"(?:totally |absolutely |literally |so |on )*fire\b(?! (?:to|brigade|service|engine|station))|"
    # "it's fire" is praise, but "it's on fire" is a fire: a thing, not a player, is on fire.
    r"(?:it|that|this)(?:'?s| is| was)? (?:totally |absolutely |literally |so )*fire\b"
    r"(?! (?:to|brigade|service|engine|station))|"
    r"set the (?:stage|dancefloor|place|night) (?:on fire|alight)|shot (?:of|for) |shots (?:of|for|at the bar)|"
    r"photo ?shoot|shoot (?:me|us) (?:a|an) |shooting (?:a|the|some) (?:video|film|photos?|scene)|"
    r"take a stab|stab at|stabbing pain|knife[- ]edge|killer (?:heels|app|deal|tune|view|views|workout)|"
    r"kill (?:time|the (?:lights|engine|music))|killing time|overkill|dead (?:tired|easy|good|busy|cute|serious)|"
    r"my (?:mum|mam|wife|husband|missus|boss|dad|mrs|other half|gf|bf|girlfriend|boyfriend|teacher)"
    r"(?: is going to| is gonna| will|'?ll|'?s going to|'?s gonna| going to| gonna) (?:kill|murder) me|"
    r"panic buying|attack (?:the|this) (?:day|week)|fight (?:for|against) (?:the|this|our)|fighting fit|"
    r"fight the (?:flu|cold)|help yourself|help desk|help ?line|"
    r"drowning in (?:\w+ )?(?:work|paperwork|emails|admin|marking|laundry|washing|bills|debt|homework|"
    r"assignments|orders|post|snow|revision|exams|coursework|essays|deadlines|uni work)|"
    r"(?:set|sets|setting) my (?:heart|soul) on fire|you'?re killing me|the bomb|bombed (?:it|my exam)|"
    r"break in the (?:weather|clouds|rain)|breaking in (?:my|new|the new) (?:shoes|boots|trainers)|"
    r"following (?:me|us) on|follow(?:ing)? (?:me|us) back|thanks for following|(?:for|by) following|"
    r"(?:scared|terrified|frightened|afraid|petrified) of (?:spiders|heights|the dark|fireworks|thunder|storms|"
    r"flying|needles|clowns|the dentist|dogs|wasps|snakes|mice|birds|the hoover|the vet)|screaming at the (?:tv|telly|match)|"
    r"(?:it|this|that|the (?:game|match|episode|film|finale)) (?:had|has) me (?:screaming|shaking)|"
    r"can'?t breathe (?:for|from) laughing|crying laughing|i can'?t (?:even|cope) (?:with|😂|🤣)|"
    r"can'?t cope with (?:the|this|these|how)|can'?t take (?:it|this) (?:seriously)|sos (?:tea|bag)|"
    r"end of (?:my|the) tether|can'?t breathe in (?:this|the|here)|this heat|"
    r"if i (?:buy|eat|spend|forget|bring|order|drink|miss|am late|'?m late|paint)\b.{0,40}(?:kill|murder) me|"
    r"(?:kill|murder) me (?:if|when) (?:he|she|they|my \w+) (?:sees?|finds? out|hears?|notices?|gets?|knows?)\b|"
    r"scream(?:ing|ed)? (?:with|in|for) (?:joy|excitement|delight|laughter)|"
    r"(?:nearly|almost) had a heart attack|gave me a heart attack|fake (?:blood|guns?|knife|knives|weapons?)|"
    r"toy (?:guns?|knife|knives)|zombie walk|"
    r"(?:officers?|police(?:men)?|armed police|soldiers|troops|army|gamekeepers?) (?:with|carrying|holding) "
    r"(?:rifles|guns|shotguns|firearms|weapons|carbines)|"
    r"(?:cat|dog|kitten|puppy|hamster|rabbit|budgie) (?:has |'s )?overdosed|overdosed on (?:ham|cheese|chocolate|sugar|sweets|cake|"
    r"carbs|crisps|coffee|caffeine|netflix|telly|tv|christmas|mince pies)|plotting (?:his|her|their) (?:murder|death|demise)|"
    r"(?:shotgun|firearms?|gun|rifle) (?:certificates?|licen[cs]es?|permits?|renewals?|cabinets?|clubs?)|speed ?guns?|want(?:ed)? to die (?:every time|whenever|of (?:embarrassment|shame))|"
    r"feel(?:s|ing)? like (?:i'?m|i am|they'?re|we'?re|you'?re) (?:drowning|dying|suffocating)|"
    r"^\s*(?:i'?m |im )?(?:literally )?screaming(?: ?!+| ?😂| ?🤣| at (?:this|that)))"
)
JOKE = rx(
    r"(?:\blol\b|\blmao\b|\bhaha\w*|\bjk\b|(?<!not\x20)(?<!n't\x20)\bjoking\b|"
    r"(?<!no\x20)(?<!not\x20a\x20)\bjoke\b|\bnot literally\b|😂|🤣|😆|😜|😅|💀|;\))"
)
# The joke taken back: "lol jk. seriously, can you send someone", "this is no joke".
IN_EARNEST = rx(
    r"\b(?:(?:jk|joking|kidding|lol)\W+(?:but )?(?:seriously|for real|honestly)|seriously though|"
    r"(?:i'?m |im |i am )?not (?:joking|kidding)|no joke|not a joke|this is real)\b"
)
# Reality cues: this is a story, a question about procedure, an awareness campaign.
# A question about what to do, or about people in general: judged within its clause, so
# "if anyone reads this, I've taken my tablets" still counts.
CONDITIONAL = rx(
    r"\b(?:what (?:should|would|can) (?:i|you|we|people|someone) do|what do (?:you|people|someone) do|"
    r"what do (?:i|we) do (?:if|when|about|with|in)|what to do|what happens|"
    r"how (?:do|can|should|would) (?:i|you|we|people)|if (?:someone|somebody|anyone|you|people|there'?s|"
    r"a (?:man|woman|person|stranger|car))|in case|is it (?:illegal|legal|an offence|a crime|against the law)|"
    r"advice (?:on|about)|tips? (?:on|for)|people who|anyone who|those who|should i|is it safe|"
    r"can i|could i|am i allowed|do i need|amnesty|hand (?:in|them in|it in)|"
    r"what if|imagine|pretend(?! (?:i'?m|im|i am|this is|it'?s|we'?re) )|if i (?:think|suspect|believe|see|hear|know|notice|ring|call|phone|dial|text|report)|"
    r"what (?:are|am|is) (?:you|i|we|people|someone) (?:supposed|meant) to do|hypothetically|before anything happens|if your|"
    r"if (?:i'?m|im|i am) ever|if i ever|(?:when|while) (?:people|kids|women|folk|pensioners|everyone|innocent people) (?:are|get|keep))\b"
)
# The writer says the question is about themselves: "If someone had taken 40 ... Asking for me."
FOR_ME = rx(
    r"\b(?:asking for (?:me|myself)|(?:it'?s|it is|this is|the someone is) (?:about )?me(?! too)\b|"
    r"(?:i'?m|im|i am) the (?:someone|person|one)(?: i'?m| im)? (?:asking|talking) about)"
)
# A story, a show or a campaign: judged for the whole sentence.
STORY = rx(
    r"\b(?:awareness|campaign|training|course|workshop|talk (?:about|on)|article|documentary|film|"
    r"charity|sponsor(?:ed| me)|fundrais\w*|bungee|abseil\w*|skydive|(?:boxing day|new year'?s?(?: day)?) dip|"
    r"movie|(?:on|watching|watched|watch) (?:the )?(?:tv|telly)\b|(?:tv|telly) (?:show|programme|series|drama|advert|ad)|episode|series|book|novel|video game|the game|podcast|drama|netflix|eastenders|"
    r"corrie|coronation street|emmerdale|line of duty|happy valley|bodyguard|vera|soap|trailer|song|"
    r"lyrics|dream|dreamt|dreamed|statistics|stats|figures|survey|research|petition|role ?play|"
    r"rehearsal|exercise|drill|escape room|murder mystery|halloween|costume|fancy dress|airsoft|"
    r"paintball|laser ?tag|in the news|in the paper|headline|appeal|"
    r"(?:a|another|your|this|that|the|these|all these) posts? (?:about|on))\b"
)
# Hearsay about something elsewhere: not for self-harm or a missing person, where a post or a
# message from the person is exactly how the danger reaches us.
HEARSAY = rx(
    r"\b(?:saw a post|someone posted|posted (?:on|in)|facebook group|village group|on social media|"
    r"apparently|rumou?r|people are saying|i heard that|heard (?:there|that) (?:was|were))\b"
)
# A danger planned for later is a threat to report, not one to run to.
FUTURE = rx(
    r"\b(?:tomorrow|next (?:week|month|time|year)|at the weekend|on monday|later this week|one day|"
    r"one of these days|sooner or later)\b"
)
# Things whose going is damage, not the danger over ("the windows have gone").
_GONE_THINGS = (
    "window", "windows", "door", "doors", "lane", "road", "bridge", "wall", "fence", "roof",
    "power", "lights", "electric", "electrics", "signal", "battery", "brakes", "tyre", "tyres",
    "hip", "knee", "ankle", "leg", "legs", "voice",
)  # fmt: skip
_NOT_AFTER_THINGS = "".join(rf"(?<!{thing})(?<!{thing}')(?<!{thing}\x20)" for thing in _GONE_THINGS)
NOT_EMERGENCY = rx(
    r"\b(?:shoot(?:ing)? season|pheasants?|grouse (?:shoot|season)|clay (?:pigeon|shoot)\w*|bird scarers?|rifle range|firing range|gun club|"
    r"(?:not|isn'?t|is not|no|nothing)(?: an?| really an?| at all an?)? (?:emergency|urgent)(?! (?:line|number|service|account|services))|"
    r"no (?:one|body|-one)(?: was| is|'?s|'?d| has been|'?s been)? (?:hurt|injured|harmed)|nobody (?:was |is |got |has been |'?s been )?(?:hurt|injured|harmed)|"
    r"no (?:immediate )?danger|(?:everyone|we'?re|we are|i'?m|i am)(?: all)? (?:safe|ok|okay|fine|alright)(?: now)?|"
    r"no longer (?:there|here|around)|"
    # "come now while he's gone" is a chance to get someone out, not the danger over.
    # Nor are "my friends have gone": the writer is left alone.
    r"(?<!while\x20he)(?<!while\x20he')(?<!while\x20she)(?<!while\x20she')(?<!while\x20they)(?<!while\x20they')"
    r"(?<!friends\x20)(?<!mates\x20)(?<!everyone\x20)(?<!everybody\x20)"
    # Nor "the front windows have gone" or "the lane's gone": a thing gone is the damage.
    + _NOT_AFTER_THINGS
    + r"(?:has|have|'?ve|'?s|'?re) (?:gone|left|long gone)(?= now|[.!,;]|$)|"
    r"(?:nobody|no one|no-one)(?: is|'?s) (?:here|there|in) now|(?:has|have) been (?:arrested|caught|found)|"
    r"already (?:reported|called|rang|spoke|spoken|been dealt|dealt)|police (?:came|attended|arrived|were called|have been|already)|"
    r"(?:ambulance|paramedics|fire (?:brigade|service)|officers) (?:(?:are|is|were|have|'?re) (?:here|there|on (?:their|the) way|already|attended|arrived|with (?:him|her|us))|"
    r"came|turned up|took (?:him|her|them))|"
    r"sorry (?:for|about) (?:the|all the) (?:panic|worry|fuss|scare|false alarm|alarm|drama)|"
    r"999 (?:has been|was|have been) called|(?:i'?ve|i have|we'?ve|we have|someone has|someone'?s) (?:already )?(?:called|rang|phoned|dialled) (?:999|the police|101|an ambulance))\b"
)
NEGATION = rx(
    r"\b(?:no|not|nobody|never|without|isn'?t|aren'?t|wasn'?t|weren'?t|didn'?t|don'?t|doesn'?t|"
    r"haven'?t|hasn'?t|hadn'?t|won'?t|wouldn'?t|"
    # "Nothing tonight and his phone rings out": no word from someone, not a denial.
    r"nothing(?! (?:tonight|today|yet|since|all (?:day|night|week)|this (?:morning|afternoon|evening|week)|from (?:him|her|them))\b)|"
    r"neither|nor|cannot)\b(?!(?<=don't) know\b)(?!(?<=dont) know\b)[^,.;!?]{0,25}$"
)

# Words that carry danger: the learned model may only flag a message that has one of them.
DANGER_WORDS = rx(
    r"\b(?:blood|bleed\w*|knife|knives|blade|guns?|weapons?|machete|axe|hammer|bat|stab\w*|shoot\w*|shot|"
    r"kill\w*|murder\w*|die|dying|dead|suicid\w*|overdos\w*|pills|tablets|jump\w*|bridge|cliffs?|ledge|"
    r"roof|drown\w*|river|canal|sea|lake|water|fire|smoke|flames|burn\w*|trapped|attack\w*|assault\w*|"
    r"beat\w*|hit|hitting|punch\w*|kick\w*|strangl\w*|chok\w*|throat|neck|rap(?:e|ed)|kidnap\w*|abduct\w*|"
    r"snatch\w*|grab\w*|drag\w*|missing|lost|wander\w*|dementia|alzheimer'?s|collaps\w*|fallen|fell|injur\w*|"
    r"hurt\w*|crash\w*|accident|scream\w*|shout\w*|crying|threat\w*|follow\w*|chas\w*|stalk\w*|broken in|"
    r"broke in|breaking|burglar\w*|intruders?|smash\w*|fight\w*|brawl|gang|balaclavas?|drunk|scared|"
    r"terrified|frightened|afraid|panic\w*|unconscious|breath\w*|ambulance|999|danger\w*|unsafe|hiding|"
    r"locked|spiked|seizure|noose|rope|goodbye|harm\w*|wrists|freezing|strangers?|fall(?:ing|s)?|harbour|pier|"
    r"level crossing|railway|tracks|stairs|ladder|diabetic|insulin|shaking|shivering|trembling|"
    r"rolling|lorry|motorway|bypass|roundabout|junction)\b"
)

# People and places a danger happens to: with the words above, what lets the learned model weigh
# a message at its lower threshold (engine.LEARNED_EMERGENCY).
PEOPLE_AND_PLACES = rx(
    r"\b(?:son|daughter|child|children|kids?|baby|toddler|mum|mam|mom|dad|nan|gran|grandad|grandma|"
    r"wife|husband|partner|ex|brother|sister|neighbour|man|woman|lad|girl|boy|bloke|guy|men|lads|"
    r"stranger|upstairs|downstairs|garden|house|flat|home|street|road|park|bridge|river|car park|lady|fella|"
    r"chap|nana|granny|grandson|granddaughter|flatmate|girlfriend|boyfriend|mate|pal)\b"
)

# --- spam --------------------------------------------------------------------------------------
URL = rx(r"(?:https?://|www\.|\b[a-z0-9-]+\.(?:com|net|io|co|biz|xyz|info|shop|top|ly|gg|me)\b)")
SPAM = (
    (
        "marketing",
        rx(
            r"\b(?:buy now|order now|shop now|click (?:here|the link|link|below)|link in (?:my )?bio|"
            r"limited (?:time )?offer|today only|only today|while stocks last|special offer|discount|promo(?:tion)? code|\d+% off|free (?:trial|gift|shipping|followers|delivery|iphone|giveaway)|"
            r"giveaway|competition to win|you(?:'ve| have)? won|claim your|winner|voucher|coupon|"
            r"best prices?|cheap(?:est)?|wholesale|dm (?:me|us) for|dm for|message me for|"
            r"whatsapp (?:me|us|\+?\d)|telegram|check (?:out )?my (?:page|profile|channel|bio|link|store|shop|website|site|onlyfans|content)|"
            r"follow (?:me|us|my page|back)|subscribe|sub to my|like and share|(?:grow|boost) your|"
            r"seo|web ?design|website design|marketing services|social media (?:growth|management|services)|"
            r"followers|likes and|collab|sponsor(?:ed|ship)?|brand ambassador|affiliate|paid partnership)\b"
        ),
    ),
    (
        "money",
        rx(
            r"(?:\b(?:crypto|bitcoin|btc|ethereum|forex|nft|trading signals|investment (?:opportunity|plan)|"
            r"passive income|earn (?:£|\$|money|\d)|make (?:£|\$|money)|(?:£|\$)\s?\d[\d,]*\s?(?:a|per|every) (?:day|week|hour)|"
            r"work from home|financial freedom|profit|returns? of|roi|double your|loan|casino|betting tips|"
            r"bet ?\d|slots|jackpot|sugar daddy|cash ?app|paypal me|recover (?:your )?(?:lost|stolen|scammed) "
            r"(?:funds|crypto|bitcoin|money)|funds recovery|recovery (?:expert|hacker|agent|specialist)|"
            r"hacker|hack (?:any|your)|spy on|contact (?:him|her|them) (?:on|via)|he helped me recover)\b)"
        ),
    ),
    (
        "adult or bait",
        rx(
            r"\b(?:onlyfans|hot singles|singles in your area|nudes|xxx|sexy|18\+|dating site|"
            r"lonely|hook ?up|webcam|viagra|cialis|weight loss|diet pills|keto|cbd|vape deals?)\b"
        ),
    ),
)
SPAM_EMOJI = rx(r"(?:🔥|💰|💸|🚀|💯|✅|👉|📈|🤑|💎|⬇️|👇){3,}|(?:💰|💸|🤑|📈|👉|👇)")

# --- other categories: (category, label, pattern, weight) ---------------------------------------
CATEGORY_SIGNALS: tuple[tuple[str, str, Gated, float], ...] = (
    # Crime reports: a crime that has happened, or one suspected, but not a danger right now.
    (
        "crime_report",
        "a crime that has happened",
        rx(
            r"\b(?:stolen|stole|nicked|pinched|burgl\w*|broken into|broke into|break[- ]ins?|robbed|"
            r"mugged|theft|thief|thieves|shoplift\w*|vandal\w*|graffiti|keyed|slashed|smashed (?:my|the|our|a|his|her)|"
            r"damaged (?:my|our|the)|criminal damage|assault(?:ed)?|attacked|punched|kicked|headbutted|"
            r"hit (?:me|my|him|her)|beat (?:me|him|her) up|threaten(?:ed|ing)|harass\w*|stalk(?:ed|ing|er)|"
            r"scam(?:med|mer|mers|s)?|fraud\w*|conned|phishing|hacked|cloned|"
            r"(?:drug|drugs) (?:deal\w*|use|den|house|being)|dealing (?:drugs|from|outside|in)|dealers?|"
            r"cannabis|weed|skunk|county lines|cuckoo\w*|speeding|boy racers|racing (?:up|down|along|round)|"
            r"anti-?social|\basb\b|fly[- ]?tipp\w*|hate crime|racis\w*|homophob\w*|abus(?:ed|ive|ing) (?:me|my|him|her|us|towards)|"
            r"domestic (?:abuse|violence)|coercive|revenge porn|sextortion|blackmail\w*|catalytic converters?|"
            r"number plates?|dangerous(?:ly)? driv\w*|drink[- ]driv\w*|drunk driv\w*|drug[- ]driv\w*|hit and run|"
            r"poach\w*|hare cours\w*|dog fighting|trespass\w*|off[- ]road bikes?|scramblers?|quad bikes?|"
            r"exposed himself|flash(?:ed|er)|upskirt\w*|grop(?:ed|ing)|sexual(?:ly)? assault\w*|raped|rape|indecent|"
            r"child abuse|grooming|groomed|counterfeit|fake notes?|intimidat\w*|pickpocket\w*|robbery|"
            r"tried to (?:get|break) in|tried (?:the|my|our) (?:door|car|handle)|(?:car|door) handles|"
            r"i(?:'d| would) like to report|i want to report|want to report|wish to report|"
            r"(?:report|reporting) (?:a|an|some|my|the) (?:crime|incident|theft|burglary|assault|scam|car|bike|"
            r"van|man|woman|driver|vehicle|neighbour|person)|nuisance (?:calls?|neighbours?|bikers?)|"
            r"drunk and disorderly|urinat\w*|spiked|spiking|extort\w*|illegal(?:ly)?|"
            r"parked (?:on|across) (?:the|my|our) (?:pavement|drive|driveway|dropped kerb)|abandoned (?:car|vehicle|van)|"
            r"suspicious (?:person|man|men|car|van|vehicle|activity|behaviour|package)|casing (?:the|houses)|"
            r"knocking on doors|bogus|rogue trader|cold callers?|doorstep\w*|fireworks at|"
            r"selling (?:drugs|fake|knives|weed)|shoplifters?|burglars?)\b"
        ),
        2.0,
    ),
    (
        "crime_report",
        "a crime that has happened",
        rx(r"\b(?:crime (?:number|reference|ref)|reference number|incident number|log number)\b"),
        0.5,
    ),
    # Questions.
    ("question", "a question", rx(r"\?"), 1.0),
    (
        "question",
        "a question",
        rx(
            r"^\s*(?:@\w+\s+)*(?:hi|hello|hey|morning|evening|afternoon|good (?:morning|afternoon|evening)|dear \w+|excuse me)?"
            r"[,!. ]*(?:how|what|when|where|who|why|which|whats|what'?s|can|could|is|are|do|does|did|will|would|"
            r"should|am|any|anyone|has|have|may|quick question|wondering)\b"
        ),
        1.0,
    ),
    (
        "question",
        "a question",
        rx(
            r"\b(?:i was wondering|wondering if|any (?:news|update|info|information|idea)|does anyone know|"
            r"anyone know|can you (?:tell|advise|confirm|let me know|explain|help)|could you (?:tell|advise|confirm|let me know|explain)|"
            r"please (?:advise|confirm|let me know)|how do i|how can i|where (?:can|do|should) i|who do i|"
            r"is it (?:legal|illegal|ok|okay|allowed)|am i allowed|do i need|what'?s (?:going on|happening|happened)|"
            r"what is (?:going on|happening)|is the (?:road|a\d+|m\d+|bridge|lane|street) (?:closed|shut|open)|"
            r"road (?:closed|closure)|diversion|are you (?:recruiting|hiring)|how long|when (?:will|is|are|does)|"
            r"need (?:some )?advice|advice please|looking for advice|wanted to ask|want to ask|just asking|question)\b"
        ),
        1.5,
    ),
    # Complaints about the service.
    (
        "complaint",
        "a complaint",
        rx(
            r"\b(?:complain\w*|disgrace\w*|disgusting|unacceptable|appalling|appalled|shocking|shocked|outrageous|"
            r"still waiting|(?:been|was|kept) (?:waiting|waited)|waited (?:\w+ )?(?:hours|days|weeks|months)|"
            r"(?:hours|ages|forever|\d+ minutes) on hold|on hold for|nobody (?:came|turned up|has|rang|called|bothered|got back)|"
            r"no one (?:came|turned up|has|rang|called|bothered|got back)|no-one (?:came|turned up|has)|"
            r"never (?:came|turned up|rang|called|heard|got back|bothered|responded|replied)|(?:not|no) (?:heard|had) (?:anything|a thing|back|a reply|a response)|"
            r"heard nothing|no (?:reply|response|update|feedback|contact)|not good enough|fed up|sick (?:and tired|of)|"
            r"rude|ignored|ignoring|dismissive|useless|hopeless|pathetic|incompetent|a joke|joke of a|laughable|"
            r"waste of (?:time|money|space)|what'?s the point|don'?t (?:even )?bother|didn'?t (?:even )?bother|couldn'?t care less|"
            r"care less|lack of|let down|let us down|failed|failing|poor service|terrible service|awful|"
            r"worst|why (?:has|have|haven'?t|hasn'?t|did|didn'?t|is|isn'?t|are|aren'?t|won'?t|don'?t|do) (?:nobody|no one|you|your|the police|police|officers?)|"
            r"where (?:are|were) (?:the police|you|your officers)|never see (?:a|any) (?:police|officers?|bobbies|copper)|"
            r"no (?:police|officers?) (?:presence|around|about)|you lot (?:never|don'?t|do nothing)|do nothing|did nothing|"
            r"doing nothing|nothing (?:was|has been|gets|will be) done|not interested|swept under|cover[- ]?up|"
            r"treated (?:like|as)|unprofessional|parking (?:on|in) (?:the|a) (?:disabled|double yellow)|"
            r"police car (?:parked|speeding)|your officer was|your officers were|one of your officers|the officer was|"
            r"officer who (?:came|attended|dealt)|hung up|closed (?:my|the) (?:case|report) without)\b"
        ),
        1.5,
    ),
    # Abuse aimed at the police or staff.
    (
        "abuse",
        "abuse aimed at the police",
        rx(
            r"\b(?:acab|1312|f+u+c+k+ (?:the|off|you|u|all)|f\*+k|fk (?:the|off)|fuck(?:ing|in)? (?:pigs?|police|cops?|coppers?|useless|clowns|idiots|morons|scum)|"
            r"pigs|oink|scum(?:bags?)?|filth|wankers?|tossers?|twats?|pricks?|bastards?|dickheads?|"
            r"clowns|morons?|idiots|muppets|cretins|imbeciles|thick as|jobsworths?|fascists?|nazis?|gestapo|"
            r"bacon|feds|5-?0|piggies|plod|(?:go|get) (?:to hell|fucked|stuffed)|shove it|hope you (?:all )?(?:die|rot|burn|get)|"
            r"i know where you live|watch your back|you'?ll (?:pay|regret)|i'?ll find you|burn in hell|rot in hell|"
            r"die in a|kill all|kill every|shut up|stfu|gtfo|you(?:'re| are) (?:a |all )?(?:joke|disgrace|scum|pathetic|clowns|useless|thick|corrupt)|"
            r"bent coppers?|corrupt (?:cops?|coppers|police|pigs)|power[- ]?tripping|jumped[- ]up|"
            r"hate (?:the|you|all) (?:police|cops|pigs|lot)|bunch of (?:\w+ )?(?:clowns|idiots|morons|muppets|useless|wasters|pigs|scum)|"
            r"piece of (?:shit|crap)|\bshit\b|crap|bollocks|cunts?|\bc\*+t)\b"
        ),
        2.0,
    ),
    # Praise and thanks.
    (
        "praise",
        "thanks or praise",
        rx(
            r"\b(?:thank\w*|thanks|thx|ty|cheers (?:for|to)|cheers\b|well done|brilliant|amazing|great (?:job|work|result|team|stuff|response)|"
            r"fantastic|excellent|superb|outstanding|heroes?|credit to|appreciate\w*|grateful|kudos|"
            r"keep up the (?:good|great) work|good (?:job|work|result|on you|lad|lass)|nice one|top job|top work|"
            r"legends?|lovely (?:officer|pc|pcso|lad|lady|man|woman|chap|bloke)|so kind|very kind|really kind|"
            r"kindness|professional(?:ism)?|reassur\w*|above and beyond|bravo|respect to|proud)\b|(?:"
            r"❤️|❤|♥️|💙|👏|🙏|👍|😊)"
        ),
        1.5,
    ),
    # Feedback: opinions and suggestions about the service and its accounts.
    (
        "feedback",
        "feedback or a suggestion",
        rx(
            r"\b(?:suggest\w*|feedback|would be (?:nice|good|great|better|helpful|useful)|it would help|"
            r"would help if|you should|you could|you need to|please consider|could you (?:post|share|put|add|do|make|start)|"
            r"can you (?:post|share|put|add|do more|start)|i (?:prefer|preferred|liked|miss|missed)|bring back|"
            r"(?:old|individual|personal|own) (?:accounts?|page|pages|twitter|feed)|new (?:account|accounts|page|district account|setup|system|website|site|app|format)|"
            r"district accounts?|(?:closed|closing|shut|shutting|merged|merging|scrapped|scrapping) (?:the |his |her |their |down )?(?:accounts?|pages?)|"
            r"corporate|bland|media office|more (?:posts|updates|information|patrols|visible)|fewer|less (?:posts|jargon)|"
            r"idea|ideas|in my opinion|imo|i think (?:you|it|the police|this)|just saying|survey|consultation|"
            r"hard to (?:find|read|follow)|easier to|would be good to|could be (?:better|improved)|improve\w*|"
            r"worth (?:considering|doing|looking)|not keen|i'?m not sure about|happy with|the website|your website|the app|"
            r"alt text|subtitles|captions|accessib\w*|font|the form)\b"
        ),
        1.5,
    ),
)

# Crime reports that should be seen quickly even when nobody is in danger now.
SERIOUS = rx(
    r"\b(?:assault\w*|attacked|punched|kicked|headbutted|stab\w*|knife|knives|weapon|gun|threat\w*|"
    r"sexual\w*|rape\w*|raped|indecent|exposed|grop\w*|child|kids?|school|domestic|coercive|hate crime|racis\w*|"
    r"homophob\w*|stalk\w*|harass\w*|revenge porn|sextortion|blackmail\w*|grooming|groomed|spiked|spiking|"
    r"hit and run|drink[- ]driv\w*|drunk driv\w*|county lines|cuckoo\w*|robbery|robbed|mugged|burgl\w*|"
    r"intimidat\w*|vulnerable|elderly|dementia|arson|set fire)\b"
)
RECENT = rx(
    r"\b(?:just|earlier|this (?:morning|afternoon|evening)|tonight|today|last night|an hour ago|"
    r"(?:\d+|a few|few|couple of) (?:minutes|mins|hours) ago)\b"
)
OFFICER_THREAT = rx(
    r"\b(?:hope you (?:all )?(?:die|rot|burn|get (?:hurt|stabbed|shot|run over))|i know where you live|"
    r"watch your back|you'?ll (?:pay|regret)|i'?ll find you|kill all|kill every|(?:coming|come) for you|"
    r"going to (?:get|hurt|kill|stab|shoot|burn) (?:you|one of you|a copper|a cop|your)|burn (?:down )?(?:the|your) (?:station|nick))\b"
)
