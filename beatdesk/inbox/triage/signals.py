"""The signals the triage engine looks for, as named regular expressions over lower-cased text.

Every pattern is written against text that ``normalise`` has lower-cased with curly quotes made
straight, so an apostrophe is always ``'`` and usually optional (``he'?s`` matches "hes").
A space in a pattern matches any run of white space. Each signal has a label that staff read in
the reasons, so labels are plain words, not codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "`": "'"})


def normalise(text: str) -> str:
    """Lower-case with straight quotes, keeping every character's position."""
    lowered = text.translate(QUOTES).lower()
    # A few characters grow when lower-cased (İ); positions must stay aligned with the original.
    return lowered if len(lowered) == len(text) else text.translate(QUOTES)


def rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace(" ", r"\s+"), re.IGNORECASE)


@dataclass(frozen=True)
class Signal:
    label: str
    pattern: re.Pattern[str]
    # strong: enough on its own; weak: needs a sign that it is happening now, or a second signal.
    strong: bool = True
    # past events of this kind are not emergencies (a stabbing last year); for a missing person
    # or someone who has taken an overdose, "last night" is when the danger began, so it stays.
    past_cancels: bool = True


def S(label: str, pattern: str, *, strong: bool = True, past_cancels: bool = True) -> Signal:
    return Signal(label, rx(pattern), strong, past_cancels)


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
    r"meat cleaver|cleaver|screwdriver|crowbar|iron bar|metal bar|broken bottle|acid|taser)"
)
VICTIM = (
    r"(?:me|us|her|him|them|my (?:mum|mam|dad|wife|husband|partner|kids|children|son|daughter|"
    r"baby|sister|brother|friend|nan|gran|neighbour)|the (?:kids|children|baby|dog)|"
    r"his (?:wife|girlfriend|partner|kids)|her (?:husband|boyfriend|partner|kids)|"
    r"a (?:woman|man|girl|boy|kid|child|lad|lass))"
)
SELF = r"(?:myself|himself|herself|themselves|themself)"
KIN = (
    r"(?:my|our|her|his) (?:son|daughter|boy|girl|lad|lass|little one|child|kid|mum|mam|mom|"
    r"mother|dad|father|nan|nana|gran|granny|grandma|grandad|grandpa|grandson|granddaughter|"
    r"husband|wife|partner|brother|sister|uncle|aunt|auntie|friend|mate|neighbour|"
    r"stepson|stepdaughter|niece|nephew|teenager|toddler|baby)"
)

# --- emergency signals -------------------------------------------------------------------------
EMERGENCY: tuple[Signal, ...] = (
    # Weapons and serious violence.
    S(
        "weapon",
        rf"\b(?:got|has|have|having|holding|carrying|waving|brandishing|pulled|pulling|wielding|"
        rf"swinging|threatening (?:me|us|him|her|people) with|pointing) (?:out )?(?:a |an |his |her |"
        rf"their |the )?(?:big |huge |massive |large )?{WEAPON}s?\b",
    ),
    S(
        "weapon",
        rf"\b(?:a|an|the) (?:man|guy|bloke|lad|woman|youth|person|kid|group)s? with (?:a |an )?{WEAPON}s?\b",
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
    S(
        "threat to life",
        rf"\b(?:going to|gonna|gunna|goin to|will|'ll|ll|wants? to|threaten(?:ed|ing|s)? to|"
        rf"swears? (?:he|she|they)(?:'ll| will)|says? (?:he|she|they)(?:'ll| will|'?s going to))"
        rf" (?:kill|murder|hurt|stab|shoot|strangle|batter|burn|do (?:me|us|her|him) in) {VICTIM}",
    ),
    S(
        "threat to life",
        rf"\b(?:kill|murder|stab|shoot|strangle) (?:me|us|her|him|{KIN})\b(?! (?:laughing|with))",
        strong=False,
    ),
    S(
        "violence happening now",
        rf"\b(?:hitting|beating|punching|kicking|attacking|strangling|choking|hurting|"
        rf"battering|stamping on|dragging|throttling|smashing up) {VICTIM}\b",
    ),
    S(
        "violence happening now",
        r"\b(?:being|getting) (?:attacked|beaten|beaten up|assaulted|mugged|robbed|kidnapped|"
        r"strangled|stabbed|hit|chased|dragged|raped)\b",
    ),
    S("violence happening now", r"\bhands? (?:round|around) (?:my|her|his) (?:neck|throat)\b"),
    S(
        "violence happening now",
        r"\b(?:fight|brawl|punch[- ]?up|fighting|scrap)\b.{0,40}\b(?:going on|kicking off|happening|"
        r"outside|right now|now)\b|\b(?:kicking off|mass brawl)\b",
        strong=False,
    ),
    S(
        "violence happening now",
        r"\b(?:just|has just|have just|'ve just|i'?ve been|i have been|we'?ve been|just been|"
        r"she'?s been|he'?s been|has been|have been) (?:attacked|assaulted|mugged|robbed|raped|"
        r"stabbed|glassed|beaten up|hit by a car|run over|sexually assaulted|jumped)\b",
        strong=False,
    ),
    S(
        "someone is hurt",
        r"\b(?:not breathing|isn'?t breathing|stopped breathing|can'?t breathe|cannot breathe|"
        r"unconscious|unresponsive|not responding|won'?t wake up|wont wake|blood everywhere|"
        r"bleeding (?:heavily|badly|a lot|loads|everywhere|from (?:his|her|my) head)|"
        r"losing (?:a lot of )?blood|lots of blood|not moving|turning blue|having a (?:heart attack|fit|seizure)|"
        r"collapsed|lying (?:in|on) the (?:road|street|pavement|ground|floor)|fell (?:in|into) the (?:river|sea|canal|water))\b",
    ),
    S(
        "someone is in danger",
        r"\b(?:someone|somebody|a (?:man|woman|person|child|kid|dog walker|lad|girl|boy)|"
        r"people|kids) (?:is |are |'s )?(?:in|in to|fallen in|fallen into|struggling in|stuck in|"
        r"drowning in) the (?:river|sea|canal|water|reservoir|lake|harbour|quarry)\b|\bdrowning\b",
    ),
    S(
        "someone is in danger",
        r"\b(?:house|flat|home|building|car|van|shop|pub|block|garage|barn|bungalow|caravan|"
        r"kitchen|bedroom|next door)s? (?:is |are |'s |has )?(?:on fire|alight|in flames|caught fire|"
        r"going up in flames)\b|\b(?:trapped|stuck) (?:in|inside|under) (?:the|a|his|her|my) "
        r"(?:car|house|flat|building|wreckage|vehicle|lift|fire)\b|\bsmell of gas\b",
    ),
    S(
        "danger on the road",
        r"\b(?:wrong way (?:on|down|up|along) the (?:motorway|a\d+|m\d+|dual carriageway)|"
        r"driving the wrong way|(?:person|man|woman|child|kid|toddler|someone|pedestrian) "
        r"(?:walking |wandering |standing |lying )?(?:on|in|along) the (?:motorway|a\d+|m\d+|"
        r"dual carriageway|railway|tracks|train line|line|level crossing)|"
        r"(?:car|van|lorry|vehicle) (?:stuck |stopped )?on the (?:level crossing|railway|tracks))\b",
    ),
    S(
        "danger on the road",
        r"\b(?:drunk|pissed|off his face|off her face|hammered|over the limit|high|off his head)\b.{0,60}"
        r"\b(?:getting in(?:to)?|got in(?:to)?|about to drive|driving off|driving|drove off|behind the wheel)\b"
        r"|\b(?:getting in(?:to)?|got in(?:to)?|about to drive) (?:his|her|a|the|their) (?:car|van)\b.{0,40}"
        r"\b(?:drunk|pissed|over the limit|hammered)\b",
        strong=False,
    ),
    # Crime in progress and intruders.
    S(
        "crime in progress",
        r"\b(?:trying to (?:get|break|force (?:their|his|her|a) way|climb) ?in(?:to)?|"
        r"trying to open (?:my|the|our) (?:door|window|back door|front door)|"
        r"trying (?:my|the|our) (?:door|door handle|back door|front door|windows?)|"
        r"breaking in(?:to)?|kicking (?:my|the|our) (?:door|front door|back door) (?:in|down)|"
        r"forcing (?:my|the|our) (?:door|window)|smashing (?:my|the|our) (?:door|window)s?|"
        r"climbing (?:in|through|over) (?:my|the|our) (?:window|fence|back)|"
        r"in (?:my|our) (?:house|home|flat|kitchen|garden|back garden|shed|garage|bedroom|loft|hallway) "
        r"(?:right now|now|at the moment)|"
        r"(?:someone|somebody|a man|men|people|a stranger|an intruder)(?:'s| is| are)? "
        r"(?:in|inside|downstairs in) (?:my|our) (?:house|home|flat|hallway|kitchen|bedroom|living room))\b",
    ),
    S(
        "crime in progress",
        r"\b(?:someone|somebody|there'?s (?:someone|somebody|a man))(?:'s| is)? (?:downstairs|in the house|in the loft|upstairs)\b",
    ),
    S(
        "crime in progress",
        rf"\b{PERSON}{BE}? (?:stealing|nicking|taking|breaking|smashing|setting fire to|"
        rf"torching|siphoning|cutting|trying|forcing|robbing|looting|loading|syphoning)\b"
        rf"(?! (?:a (?:break|look|photo|picture|selfie)|(?:the )?piss|part|place|over|care|time|"
        rf"(?:my|the|your) (?:order|time|turn|photo)|to (?:pass|fix|help|sort)))",
        strong=False,
    ),
    S(
        "crime in progress",
        r"\b(?:being (?:burgled|broken into|robbed|stolen|vandalised|set alight|smashed)|"
        r"(?:burglars?|intruders?|thieves|robbers?)(?: are| is|'re|'s)? (?:here|in|inside|still|next door))\b",
    ),
    S(
        "crime in progress",
        r"\b(?:banging (?:on|at) (?:my|the|our) (?:door|window)s?|shouting (?:and|&) screaming|"
        r"screaming (?:for help|help|and (?:shouting|crying))|someone screaming|(?:woman|girl|child|kid|baby|man) "
        r"screaming|hear (?:a |her |him |someone |people )?(?:screaming|shouting for help|crying for help)|"
        r"trying (?:car|door) handles|looking (?:in|into|through) (?:car|my|our|the) (?:windows|window)|"
        r"hanging around (?:my|our|the) (?:car|cars|house|door))\b",
        strong=False,
    ),
    # Someone following, watching or trapping the writer.
    S(
        "being followed",
        r"\b(?:(?:is|are|been|keeps?|keep on|has been|have been|'?s|'?re|started|still) following (?:me|us|my|her|him)|"
        r"following me|following us|he'?s behind me|followed me (?:home|off the bus|from)|"
        r"won'?t (?:stop following|leave me alone|let me (?:leave|go|out|in))|"
        r"(?:sat|sitting|parked|waiting|standing|lurking) outside (?:my|our|the) (?:house|flat|home|door|window|work)|"
        r"watching (?:my|our) (?:house|flat|home)|outside (?:my|our) (?:house|flat|door|window) again)\b",
        strong=False,
    ),
    S(
        "someone is in danger",
        r"\b(?:locked (?:me|us|her|him) in|trapped (?:in|inside)|hiding in (?:the|my|a) "
        r"(?:bathroom|bedroom|toilet|wardrobe|cupboard|loo|car)|locked myself in|"
        r"(?:he|she|they)(?:'s| is| are|'re) coming back(?: for me)?|"
        r"(?:he|she|they) won'?t let me (?:leave|go|out)|scared for my life|fear(?:ing)? for (?:my|her|his|their) life|"
        r"afraid for my life|think (?:he|she|they)(?:'s| is| are)? going to hurt)\b",
    ),
    S(
        "someone is scared",
        r"\b(?:i'?m|im|i am|we'?re|we are|i feel) (?:really |so |very |absolutely )?"
        r"(?:scared|terrified|frightened|petrified|afraid|panicking|shaking)\b",
        strong=False,
    ),
    S(
        "asking for help",
        r"\b(?:help me|help us|please help|send (?:someone|help|police|the police|a car)|call (?:999|the police|an ambulance) for me|need (?:the )?police (?:now|here|urgently)|need help now|come quick(?:ly)?|please hurry|hurry please|sos)\b",
        strong=False,
    ),
    # Self-harm.
    S(
        "self-harm",
        rf"\b(?:kill {SELF}|end (?:it all|my life|it tonight|it now|things)|want(?:s)? to die|wanna die|"
        rf"want(?:s)? to be dead|don'?t want to (?:be here|live|wake up|be alive|go on)|"
        rf"take my (?:own )?life|hurt(?:ing)? {SELF}|cut(?:ting)? {SELF}|jump(?:ing)? off (?:the|a)|"
        rf"going to jump|suicidal|suicide note|no (?:reason|point) (?:to|in) (?:live|living|going on)|"
        rf"better off without me|won'?t be (?:here|around) (?:tomorrow|much longer|anymore)|"
        rf"can'?t go on|say(?:ing)? (?:my )?goodbyes?|this is goodbye|goodbye (?:everyone|all)|"
        rf"(?:taken|took|swallowed|had|necked|downed) (?:all |a load of |loads of |a bunch of |a whole |"
        rf"an |the |a |my |his |her |all (?:my|his|her) |a (?:full )?(?:packet|box|bottle|handful|lot) of )"
        rf"?(?:(?:my|his|her) )?(?:tablets|pills|paracetamol|sleeping pills|meds|medication|overdose|"
        rf"packet|box of|bottle of pills)|overdos(?:e|ed|ing))\b",
        past_cancels=False,
    ),
    S(
        "self-harm",
        r"\b(?:on|at the edge of|standing on|stood on|sat on|sitting on) (?:the|a) (?:edge of the |wrong side of the )?"
        r"(?:bridge|cliff|cliffs|roof|ledge|railings|multi[- ]storey|car park roof|viaduct)\b",
        strong=False,
        past_cancels=False,
    ),
    S(
        "self-harm",
        r"\b(?:can'?t (?:do this|cope|take (?:it|this|any more|anymore)|carry on)|"
        r"had enough of (?:everything|life|it all)|nobody (?:would|will) (?:miss|notice|care)|"
        r"no one (?:would|will) (?:miss|notice|care)|i'?m sorry for everything|tell (?:my|them) .{0,20}i love them)\b",
        strong=False,
        past_cancels=False,
    ),
)

# A missing person is an emergency when they are vulnerable or the writer fears for them.
MISSING = rx(
    rf"\b(?:(?:has|have|is|are|'?s)? ?(?:gone )?missing|missing (?:since|from|for)|"
    rf"hasn'?t (?:come|got|been|returned|came) (?:home|back)|has not (?:come|returned) (?:home|back)|"
    rf"(?:didn'?t|did not|never) (?:come|get|make it|return) (?:home|back)|"
    rf"not (?:come|came|got|been|returned) (?:home|back)|isn'?t (?:home|back)|still not (?:home|back)|"
    rf"can'?t find {KIN}|cannot find {KIN}|lost {KIN}|wandered off|walked out|ran off|run away|ran away|"
    rf"has run off|disappeared|nobody (?:has|knows|'?s) seen|no one (?:has|knows|'?s) seen|"
    rf"not answering (?:his|her|their) phone|phone (?:is )?(?:off|dead|going straight to voicemail)|"
    rf"should have been (?:home|back))"
)
VULNERABLE = rx(
    r"\b(?:dementia|alzheimer'?s|autis(?:m|tic)|learning disab\w*|special needs|vulnerable|"
    r"diabetic|epilep\w*|insulin|medication|meds|suicidal|depressed|confused|frail|disabled|"
    r"wheelchair|non[- ]verbal|elderly|pensioner|(?:in )?(?:his|her) (?:70s|80s|90s|eighties|nineties)|"
    r"(?:[1-9]|1[0-5]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen)[- ]?(?:years?|yrs?|yo|y/o)[- ]?(?:old)?|"
    r"(?:7[5-9]|8\d|9\d|1[01]\d)[- ]?(?:years?|yrs?|yo)[- ]?(?:old)?|aged? (?:[1-9]|1[0-5]|7[5-9]|8\d|9\d)\b|"
    r"toddler|little (?:boy|girl|one)|child|kid|baby|my (?:son|daughter|boy|girl)|"
    r"nan|nana|gran|granny|grandma|grandad|grandpa|"
    r"freezing|cold out|minus|in the dark|slippers|pyjamas|nightie|dressing gown|no coat|"
    r"not like (?:him|her|them)|out of character|never done this|worried sick|really worried|"
    r"so worried|desperate|frantic)\b"
)
# Not people: pets, parcels and property go missing too.
MISSING_NOT_PERSON = rx(
    r"\b(?:dog|cat|puppy|kitten|pet|tortoise|parrot|horse|parcel|package|delivery|post|letter|"
    r"bike|bicycle|car|van|wallet|purse|phone|keys|bag|handbag|item|items|plates?|sign|"
    r"bins?|wheelie bin|tools|jewellery|ring|watch|money|cash|report|paperwork|form|reply|"
    r"response|update|crime number|reference|statement|appeal|poster)s?\b"
)
FOUND = rx(
    r"(?<!n't\s)(?<!nt\s)(?<!not\s)(?<!never\s)\b(?:(?:has been|'?s been|was|been|now) found|found (?:safe|safe and well|him|her|them)|"
    r"(?:is|'?s|are|came|come|got) (?:home|back)(?: now| safe| safely)?(?! (?:yet|late))|home safe|safe and well|"
    r"thank you for (?:finding|sharing|bringing)|thanks for (?:finding|sharing|bringing))\b"
)

# --- cues about time, mood and reality ---------------------------------------------------------
NOW = rx(
    r"\b(?:right now|now|at the moment|atm|currently|as we speak|as i (?:type|write)|just now|"
    r"still|happening|tonight|this minute|quick|quickly|hurry|asap|urgent(?:ly)?|please|help|"
    r"outside|can hear|can see|i hear|i see|is happening|going on|live)\b|!{2,}"
)
PAST = rx(
    r"\b(?:last (?:night|week|month|year|weekend|summer|winter|spring|autumn|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|time|christmas|term)|yesterday|"
    r"(?:\d+|a few|few|a couple of|couple of|two|three|four|several|some|many) (?:days|weeks|months|years|decades) "
    r"(?:ago|back)|ago|back in|in (?:19|20)\d\d|earlier this (?:week|month|year)|the other (?:day|night|week)|"
    r"over the (?:weekend|summer|holidays)|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(?: (?:night|morning|afternoon|evening))?|when i was|used to|years back|a while back|"
    r"happened|at the weekend|over christmas|in (?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december)|back in|previously|in the past|a year|last)\b"
)
# Idioms that use alarming words for ordinary things.
FIGURATIVE = rx(
    r"\b(?:(?:is|are|was|it'?s|its|that'?s|this|traffic|queue|heat|commute|job|work|kids|boss|"
    r"weather|wait|suspense|hill|exam|hangover|back|feet|legs)\s+(?:\w+ )?(?:literally )?killing me|"
    r"killing me|kill(?:ed|ing)? it|i'?d kill for|would kill for|kill for an? |could murder an? |murder an? |"
    r"(?:dying|died|dead) (?:for|to|of (?:laughter|embarrassment|boredom|shame)|laughing|of laughing)|"
    r"to die for|(?:i'?m|im|i am) (?:literally )?(?:dead|dying|deceased)\b|"
    r"nearly died laughing|kill(?:ing|ed)? (?:myself|me|us) laughing|laughed my head off|"
    r"(?:was|were|is|are|'?s|totally|absolutely|literally) (?:on )?fire\b(?! (?:brigade|service|engine|station))|"
    r"set the (?:stage|dancefloor|place|night) (?:on fire|alight)|shot (?:of|for) |shots (?:of|for|at the bar)|"
    r"photo ?shoot|shoot (?:me|us) (?:a|an) |shooting (?:a|the|some) (?:video|film|photos?|scene)|"
    r"take a stab|stab at|stabbing pain|knife[- ]edge|killer (?:heels|app|deal|tune|view|views|workout)|"
    r"kill (?:time|the (?:lights|engine|music))|killing time|overkill|dead (?:tired|easy|good|busy|cute|serious)|"
    r"my (?:mum|mam|wife|husband|missus|boss|dad|mrs|other half|gf|bf|girlfriend|boyfriend|teacher) "
    r"(?:is going to|is gonna|will|'?ll|'?s going to|'?s gonna) (?:kill|murder) me|"
    r"panic buying|attack (?:the|this) (?:day|week)|fight (?:for|against) (?:the|this|our)|fighting fit|"
    r"fight the (?:flu|cold)|help yourself|help desk|help ?line|drowning in (?:work|paperwork|emails|admin)|"
    r"(?:set|sets|setting) my (?:heart|soul) on fire|you'?re killing me|the bomb|bombed (?:it|my exam)|"
    r"break in the (?:weather|clouds|rain)|breaking in (?:my|new|the new) (?:shoes|boots|trainers)|"
    r"following (?:me|us) on|follow(?:ing)? (?:me|us) back|thanks for following|(?:for|by) following|"
    r"scared of spiders|scared of heights|scared of the dark|screaming at the (?:tv|telly|match)|"
    r"(?:it|this|that|the (?:game|match|episode|film|finale)) (?:had|has) me (?:screaming|shaking)|"
    r"can'?t breathe (?:for|from) laughing|crying laughing|i can'?t (?:even|cope) (?:with|😂|🤣)|"
    r"can'?t cope with (?:the|this|these|how)|can'?t take (?:it|this) (?:seriously)|sos (?:tea|bag)|"
    r"end of (?:my|the) tether)"
)
JOKE = rx(r"(?:\blol\b|\blmao\b|\bhaha\w*|\bjk\b|\bjoking\b|\bjoke\b|😂|🤣|😆|😜|😅|;\))")
# Reality cues: this is a story, a question about procedure, an awareness campaign.
HYPOTHETICAL = rx(
    r"\b(?:what (?:should|do|would|can) (?:i|you|we|people|someone) do|what to do|what happens|"
    r"how (?:do|can|should|would) (?:i|you|we|people)|if (?:someone|somebody|a |an |anyone|i |you |"
    r"your |my |there'?s|they|he |she |we )|in case|is it (?:illegal|legal|an offence|a crime|against the law)|"
    r"advice (?:on|about)|tips? (?:on|for)|awareness|campaign|training|course|workshop|"
    r"talk (?:about|on)|article|documentary|film|movie|tv|telly|episode|series|book|novel|video game|"
    r"the game|podcast|drama|netflix|eastenders|corrie|coronation street|emmerdale|line of duty|"
    r"happy valley|bodyguard|vera|soap|trailer|song|lyrics|dream|dreamt|dreamed|imagine|what if|"
    r"statistics|stats|figures|survey|research|petition|pretend|role ?play|rehearsal|exercise|drill|"
    r"escape room|murder mystery|halloween|costume|fancy dress|airsoft|paintball|laser ?tag)\b"
)
NOT_EMERGENCY = rx(
    r"\b(?:(?:not|isn'?t|is not|no|nothing)(?: an?| really an?| at all an?)? (?:emergency|urgent)(?! (?:line|number|service|account|services))|"
    r"no (?:one|body|-one)(?: was| is|'?s|'?d)? (?:hurt|injured|harmed)|nobody (?:was |is |got )?(?:hurt|injured|harmed)|"
    r"no (?:immediate )?danger|(?:everyone|we'?re|we are|i'?m|i am)(?: all)? (?:safe|ok|okay|fine|alright)(?: now)?|"
    r"no longer (?:there|here|around)|(?:has|have|'?ve|'?s) (?:gone|left|long gone)|"
    r"already (?:reported|called|rang|spoke|spoken|been dealt|dealt)|police (?:came|attended|arrived|were called|have been|already)|"
    r"(?:ambulance|paramedics|fire (?:brigade|service)|officers) (?:are|is|were|have|'?re) (?:here|there|on (?:their|the) way|already|attended|arrived|with (?:him|her|us))|"
    r"999 (?:has been|was|have been) called|(?:i'?ve|i have|we'?ve|we have|someone has|someone'?s) (?:already )?(?:called|rang|phoned|dialled) (?:999|the police|101|an ambulance))\b"
)
NEGATION = rx(
    r"\b(?:no|not|nobody|never|without|isn'?t|aren'?t|wasn'?t|weren'?t|didn'?t|don'?t|doesn'?t|"
    r"haven'?t|hasn'?t|hadn'?t|won'?t|wouldn'?t|nothing|neither|nor|cannot)\b[^,.;!?]{0,25}$"
)

# --- spam --------------------------------------------------------------------------------------
URL = rx(r"(?:https?://|www\.|\b[a-z0-9-]+\.(?:com|net|io|co|biz|xyz|info|shop|top|ly|gg|me)\b)")
SPAM = (
    (
        "marketing",
        rx(
            r"\b(?:buy now|order now|shop now|click (?:here|the link|link|below)|link in (?:my )?bio|"
            r"limited (?:time )?offer|special offer|discount|promo(?:tion)? code|\d+% off|free (?:trial|gift|shipping|followers|delivery|iphone|giveaway)|"
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
CATEGORY_SIGNALS: tuple[tuple[str, str, re.Pattern[str], float], ...] = (
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
