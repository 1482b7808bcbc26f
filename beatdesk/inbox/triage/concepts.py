"""Kinds of danger, each a list of the ways people name it: features that stand for a concept.

The learned emergency model reads words, word pairs and runs of characters, so it only weighs
words it has seen in our labelled messages: trained on "knife" and "bat" it knows nothing of
"machete" or "crowbar". These lexicons, written by the team from how people describe danger
(texting forms, misspellings and UK regional words included), give it features such as
``@weapon``, ``@weapon+now`` and ``@harm+vulnerable``: what it learns from the words it has seen
carries over to unseen members of the same kind.

Matching is by dictionary lookups on the message's tokens (single words by one set intersection;
runs of two to five words only while they begin some phrase), so it costs a few microseconds.
"""

from __future__ import annotations

import itertools
import re

# Each concept: phrases separated by commas, lower case, apostrophes left out ("cant").
LEXICONS: dict[str, str] = {
    "weapon": """
        knife, knives, knifes, nife, blade, blades, bladed, machete, machetes, machette, cleaver,
        dagger, sword, swords, samurai sword, zombie knife, kitchen knife, bread knife, steak knife,
        stanley knife, box cutter, boxcutter, craft knife, flick knife, lock knife, kukri, shank,
        shiv, scissors, screwdriver, hammer, mallet, axe, hatchet, crowbar, crow bar, jemmy, wrench,
        spanner, baseball bat, cricket bat, bat, golf club, hockey stick, iron bar, metal bar,
        scaffold pole, poker, broken bottle, glass bottle, smashed bottle, brick, bricks, gun, guns,
        pistol, handgun, revolver, rifle, rifles, shotgun, shotguns, sawn off, sawnoff, firearm,
        firearms, air rifle, airgun, air gun, bb gun, pellet gun, taser, stun gun, crossbow,
        bow and arrow, catapult, pepper spray, cs spray, acid, bleach, ammonia, corrosive,
        lighter fluid, strapped, tooled up, shooter, weapon, weapons, armed, carrying a
    """,
    "harm": """
        stab, stabs, stabbed, stabbing, stabbin, stabed, shanked, slash, slashed, slashing,
        hitting, hittin, hit her, hit him, hit me, hit my, punch, punches, punched, punching,
        punchin, kicks, kicked, kicking, kickin, strangle, strangled, strangling, strangles, choke,
        choked, choking, chokin, throttle, throttled, throttling, batter, battered, battering,
        beating, beatin, beaten, beat her, beat him, beat me, leathered, leathering, glassed,
        headbutt, headbutted, nutted, stamped on, stamping on, booted, booting, smack, smacked,
        smacking, slap, slapped, slapping, thump, thumped, thumping, twatted, lamped, decked,
        chinned, bashed, bashing, assault, assaulted, assaulting, attack, attacked, attacking,
        attackin, shooting, shot, shots fired, suffocate, suffocating, smother, smothering, pinned
        her, pinned me, dragged her, dragging her, shoved, shoving, pushed her, pushed me, threw
        her, hurting her, hurting him, hurting me, hurt her, hurt him, injured, killing her,
        killing him, murder, murdering, rape, raping, raped, groped, groping, biting, pulled her
        hair, by the hair, by the throat, hands round, round her neck, round his neck, round my
        neck, laying into, layin into, going for, went for, set about, knocked out, seven bells,
        kicking off, kicked off, battering her, hammering on, wallop, walloping, walloped,
        belting, belted, clobbered, clobbering, bottled, bottling, knifed, knifing, bray, braying,
        brayed, lamping, twatting, giving her a hiding, giving him a hiding, kicking his head,
        kicking her head, kicked his head, kicked her head, laid into, pasting
    """,
    "threat": """
        going to kill, gonna kill, gna kill, gon kill, will kill, ill kill, hell kill, shell kill,
        kill me, kill her, kill him, kill us, kill you, threatening, threatened, threatens, finish you, come back and, come back for,
        threats, do me in, do her in, end me, finish me, finish her, sort me out, coming for me,
        coming for us, waiting for me, burn the house, burn us out, petrol through, glass me,
        cut me, cut her, make me pay, make her pay, regret it, watch your back, youre dead,
        ill get you, said hed, said shed, saying hell
    """,
    "injury": """
        bleeding, bleedin, blood, pool of blood, unconscious, not breathing, cant breathe,
        struggling to breathe, stopped breathing, barely breathing, collapsed, passed out, fainted,
        fitting, seizure, having a fit, a fit, massive fit, unresponsive, not responding, blue lips, lips are blue,
        turning blue, going blue, gone blue, wont wake up, not waking, cant wake, head injury, head wound, broken bone,
        lying in the road, on the floor, not moving, gasping, foaming, fell down the stairs,
        fallen, hit his head, hit her head, cracked his head, crushed, trapped, pinned under,
        cant get up, lying there
    """,
    "vulnerable": """
        mum, mam, mom, mummy, mammy, mother, nan, nana, nanna, nannan, gran, granny, grandma,
        grandmother, grandad, grandpa, granda, grandfather, elderly, old man, old lady, old woman,
        old fella, pensioner, oap, dementia, alzheimers, confused, frail, autistic, autism, adhd,
        learning disability, learning difficulties, special needs, disabled, wheelchair, blind,
        deaf, nonverbal, non verbal, toddler, baby, babies, newborn, infant, little boy, little
        girl, little one, little lad, my boy, my girl, son, daughter, kid, kids, child, children,
        bairn, bairns, wean, weans, pregnant, vulnerable, diabetic, epileptic, epilepsy,
        medication, meds, carer, care home, schoolgirl, schoolboy, teenager, year old, years old,
        yr old, yo, met online, older man, groomed, grooming, lives alone
    """,
    "person": """
        he, she, him, her, they, them, man, woman, lad, bloke, fella, guy, girl, boy, men, lads,
        partner, boyfriend, girlfriend, husband, hubby, wife, ex, neighbour, neighbor, stranger,
        someone, somebody, person, people, gang, youths, lass, lasses, lassie, laddie, fella, geezer
    """,
    "now": """
        now, right now, rn, atm, at the moment, currently, just now, as we speak, as i type,
        this minute, this second, happening, still going on, ongoing, omg, quick, quickly, hurry,
        asap, urgent, urgently, minutes ago, mins ago, min ago, seconds ago, tonight, at this
        moment, still here, still there, again
    """,
    "self_harm": """
        end it, end it all, ending it, end my life, ending my life, kill myself, killing myself,
        kms, suicide, suicidal, cant go on, cant do this, cant cope, cant take it, no point,
        no point living, nothing to live for, no reason to live, not worth living, better off
        without me, better off dead, want to die, wanna die, wants to die, want it over,
        overdose, overdosed, od, taken pills, taken tablets, pills, tablets, paracetamol,
        paracetemol, co codamol, cocodamol, sertraline, diazepam, antidepressants, took
        everything, all my tablets, the whole packet, jump off, throw myself, hang myself,
        hanging, noose, rope, razor, razor blades, cut myself, cutting myself, wrists, goodbye,
        say goodbye, saying goodbye, last message, sorry for everything, love you all, suicide
        note, a note, not be here, wont be here, gone by the morning, done with life, self harm,
        selfharm, harm myself, hurt myself, take my own life, take his own life, take her own
        life
    """,
    "missing": """
        missing, gone missing, not come home, hasnt come home, not been home, hasnt been home,
        didnt come home, not home yet, cant find, cannot find, cant get hold, not answering,
        no answer, phone off, phone is off, phone dead, straight to voicemail, wandered,
        wandered off, disappeared, vanished, run away, ran away, ran off, runaway, not seen since,
        no one has seen, nobody has seen, not turned up, never turned up, never arrived,
        didnt arrive, hasnt arrived, should have been back, should be back, overdue, not back,
        no sign of, no idea where, dont know where, gone awol, awol
    """,
    "intrusion": """
        breaking in, break in, broke in, broken in, breakin, trying to get in, tryin to get in,
        trying the door, trying my door, tried the door, door handle, rattling, forcing the door,
        forced the door, forced entry, kicking the door, kicking my door, booting the door, jemmy,
        jemmied, prowler, prowling, creeping round, lurking, round the back, intruder, intruders, burglar, burglars, burgling, in my house,
        in the house, in my garden, in the garden, in my shed, in the shed, in the loft, in my
        flat, downstairs, upstairs, at my door, at the door, outside my door, banging on the door,
        banging on my door, bangin on, letterbox, at the window, at my window, through the window,
        looking through, smashing the window, smashed the window, climbing in, climbed over,
        climbing over, over the fence, over the wall, back door, front door, patio door,
        trying to get through, get in through, getting in through, through our window, through my
        window, bedroom window, kitchen window, window open, trying the windows
    """,
    "following": """
        following, followed, following me, followed me, following us, behind me, behind us,
        tailing, tailed, stalking, stalker, stalked, watching me, watching us, watching the house,
        watching my house, sat outside, parked outside, waiting outside, circling, keeps driving
        past, drove past again, driving past again, wont leave me alone, chasing, chased, chasin,
        same car, same man, same van
    """,
    "fire": """
        fire, on fire, flames, smoke, smoky, burning, burnin, blaze, alight, set alight, set fire,
        torched, arson, petrol, gas leak, smell gas, smell of gas, explosion, exploded, sparks,
        fumes, carbon monoxide, gas smell, stinks of gas, smells of gas
    """,
    "water": """
        river, canal, sea, lake, reservoir, pond, quarry, in the water, into the water, drowning,
        drowned, drown, swept away, swept out, current, tide, harbour, pier, quay, beck, weir,
        loch, estuary, floodwater, underwater, went under, gone under, waves, cliff, cliffs,
        cliff edge, ledge, edge of the
    """,
    "vehicle": """
        wrong way, wrong side, weaving, swerving, swerved, all over the road, driving at, drove at,
        ran over, run over, knocked down, knocked over, hit by a car, mounted the pavement,
        speeding, crash, crashed, crashing, overturned, flipped, upside down, in the ditch,
        motorway, dual carriageway, lorry, artic, level crossing, on the tracks, railway line,
        train tracks, drink driving, drunk driver, drink driver, over the limit, asleep at the
        wheel, racing, road rage, dragged along, no lights, hard shoulder, central reservation
    """,
    "child_alone": """
        left alone, on his own, on her own, on their own, by himself, by herself, by themselves,
        home alone, no adult, no adults, no parent, no parents, unattended, alone in the car,
        locked in the car, left in the car, crying for mum, crying for his mum, crying for her
        mum, no shoes, in nappies, in his pyjamas, in her pyjamas, nappy, barefoot, wandering
    """,
    "fear": """
        scared, scared stiff, terrified, frightened, afraid, petrified, bricking it, shaking,
        panicking, panic, hiding, hid, locked myself, barricaded, help, help me, please help,
        send someone, send help, come quick, come quickly, cant talk, cant speak, whispering,
        dont know what to do
    """,
    "intoxicated": """
        drunk, off his head, off her head, off his face, off her face, wasted, spiked, drugged,
        on something, taken something, pissed, steaming, mortal, bladdered, paralytic, legless,
        off it, coked up, on coke, on crack, smackhead
    """,
    "abduction": """
        grabbed, dragged, bundled, into a van, into a car, into his car, into the van, kidnap,
        kidnapped, kidnapping, snatched, forced into, locked in, wont let me leave, wont let her
        leave, cant leave, keeping me, keeping her, trafficked, trafficking, held hostage, tied up
    """,
}

# Concepts that name a danger or someone it matters most for (the learned model then weighs the
# message at its lower threshold); people, "now" and fear only sharpen one.
DANGERS = frozenset(LEXICONS) - {"person", "now", "fear"}
# Cue flags (``model.cue_flags``) a danger is paired with, so "@harm|#past" can weigh against
# "@harm".
CUES = ("#past", "#now", "#joke", "#story", "#cond", "#calm")
TOKEN = re.compile(r"[a-z0-9]+")
POSSESSIVE = re.compile(r"'s\b")
LONGEST = 5


def _build() -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """Each phrase mapped to its concepts, and every proper beginning of a longer phrase."""
    lookup: dict[str, set[str]] = {}
    beginnings: set[str] = set()
    for concept, text in LEXICONS.items():
        for phrase in text.split(","):
            words = phrase.split()
            if not words:
                continue
            assert len(words) <= LONGEST, phrase
            lookup.setdefault(" ".join(words), set()).add(concept)
            beginnings.update(" ".join(words[:n]) for n in range(1, len(words)))
    return {k: frozenset(v) for k, v in lookup.items()}, frozenset(beginnings)


LOOKUP, BEGINNINGS = _build()


def found(masked: str) -> set[str]:
    """The concepts a message names (its idioms already masked)."""
    # "nan's" is "nan", "can't" is "cant".
    tokens = TOKEN.findall(POSSESSIVE.sub("", masked).replace("'", ""))
    concepts: set[str] = set()
    # Single words by one set intersection (in C); phrases only from a word that begins one,
    # and only as long as what is read so far begins one.
    for word in LOOKUP.keys() & set(tokens):
        concepts |= LOOKUP[word]
    count = len(tokens)
    for i, token in enumerate(tokens):
        if token not in BEGINNINGS:
            continue
        phrase = token
        for j in range(i + 1, min(i + LONGEST, count)):
            phrase = f"{phrase} {tokens[j]}"
            hit = LOOKUP.get(phrase)
            if hit:
                concepts |= hit
            if phrase not in BEGINNINGS:
                break
    return concepts


def features(concepts: set[str], flags: set[str]) -> set[str]:
    """``@concept`` for each concept named (``found``), ``@a+b`` for each pair, ``@danger|#cue``
    for a danger with a cue flag, and ``@dangers2`` when two or more kinds of danger are named."""
    if not concepts:
        return set()
    feats = {"@" + c for c in concepts}
    feats.update(f"@{a}+{b}" for a, b in itertools.combinations(sorted(concepts), 2))
    dangers = concepts & DANGERS
    if len(dangers) >= 2:
        feats.add("@dangers2")
    for cue in CUES:
        if cue in flags:
            feats.update(f"@{d}|{cue}" for d in dangers)
    return feats
