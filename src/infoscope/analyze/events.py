"""Typed events (ACLED taxonomy plus our own "Information activity"), one record per reported event.

Two stages, so that a whole article costs about a millisecond:

1. One precompiled regular expression holds every trigger of every category in every supported
   language (en, ru, uk, tr, fr, de, some az) as named groups. It runs once over the whole text;
   a sentence with no trigger is never looked at again.
2. For the flagged sentences only, ``_decide`` picks the main event by a fixed precedence, and
   ``annotate`` attaches casualties, participants, date, place, actors, organiser and target from
   the sentence (and the layers written by the earlier annotators).

Main-event precedence (the first that applies wins; documented so that results are predictable):

* A trigger in a *referenced* clause ("to commemorate the victims of a drone strike", "condemned
  the shelling", "protest against the bombing", "photographs of the people killed in ..."), or in
  a long quotation, describes another, earlier event or a claim; it only decides when nothing
  else is in the sentence, and ``annotate`` then reports no event for the sentence at all.
  Negated triggers ("no arrests were made", "Festnahmen gab es nicht") do not count.
* Protest family first, because in this domain protest sentences routinely name the violence they
  are about: Riots/Violent demonstration (demonstrators clash, throw objects, riot, attack,
  destroy property) > Protests/Excessive force against protesters (live fire, beatings) >
  Riots/Mob violence > Protests/Protest with intervention (detentions, dispersal, tear gas,
  police stopping the march) > Protests/Peaceful protest. So "police detained 14 after the rally
  turned violent" is a Violent demonstration.
* Explosions/Remote violence: Chemical weapon > Suicide bomb > Air/drone strike >
  Shelling/artillery/missile attack > Remote explosive/landmine/IED > Grenade; then Disrupted
  weapons use (drones shot down, devices defused; the downed drones are not a strike).
* Battles: territory changing hands (Government regains territory when the verb is one of
  retaking/liberating or the capturer is a state force; Non-state actor overtakes territory when
  rebels/militants are named) > Armed clash.
* Without protest vocabulary: Riots/Mob violence (mobs, lynching, brawls between groups; a clash
  with soldiers or militants named is an Armed clash instead), then Violence against civilians:
  Sexual violence > Abduction/forced disappearance > Attack (a killing or attack with soldiers
  and no civilians named is an Armed clash).
* Strategic developments: Looting/property destruction > Arrests > Agreement >
  Non-violent transfer of territory > Headquarters or base established > Change to group/activity.
* Information activity: Meeting (only when held/attended) > Publication > Statement.

Violence words need a sign that something physically happened (a casualty, a hit, police, a
place, a date or a number), so "like a grenade" or "clashes with Brussels" report nothing.
One sentence yields one event type; it yields one record per place when places are listed
("rallies in Poland, the Netherlands and Belgium").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from infoscope.analyze.document import AnalysisDoc
from infoscope.events.forms import protest_form

LAYER = "events"
REQUIRES: tuple[str, ...] = ("places", "dates", "quantities", "actors")

OTHER = ("Other", "Other")

# ---------------------------------------------------------------------------------------------
# Trigger lexicon: category -> regular-expression fragments, matched case-insensitively.
# A fragment starts at a word boundary unless it begins with "~" (German compounds such as
# "Gegendemonstration" or "Drohnenangriff", which match inside a word). Within one text position
# the categories are tried in this order, so longer, more specific phrases come first
# ("riot police" before "riot", "stun grenades" before "grenades", "drones shot down" before
# "drones", "protest note" before "protest").
# ---------------------------------------------------------------------------------------------
_W = r"(?:[\w'’-]+ )"  # one word and its space, for "verb (?:\w+ ){0,3}object" windows

LEXICON: dict[str, list[str]] = {
    # words that look like triggers but are not events
    "NEUTRAL": [
        r"riot (?:police|gear|squads?|control|shields?)",
        r"anti-?riot",
        r"омон\w*",
        r"çevik kuvvet\w*",
        r"eylem plan\w*",
        r"action plan",
        r"in (?:the )?course of",
        r"в ход[еі]\b",
        r"у ході\b",
        r"~(?:einmarsch|vormarsch|durchmarsch|aufmarschgebiet)\w*",
        r"protestant\w*",
        r"demonstrat(?:ed|es|ing) (?:that|how|its|their|his|her|the (?:ability|need|importance|capacity))",
        r"manifestation\w* (?:de la|du|des|d['’]) (?:volonté|solidarité|intérêt|soutien)\b",
        r"strike (?:a balance|a deal|back)",
        r"striking\b",
        r"s['’](?:est|sont) dispers\w*|se sont dispers\w*|dispersed peacefully|dispersed without",
        r"freedom (?:of|to) (?:assembly|protest|demonstrat\w*)|right to (?:protest|demonstrate|assemble)|"
        r"liberté de (?:manifestation|manifester|réunion)|versammlungsfreiheit|demonstrationsrecht|"
        r"свобод\w* (?:собраний|митингов)|toplantı ve gösteri yürüyüşü hakkı",
        r"fight(?:s|ing)? (?:against|for) (?:corruption|poverty|crime|climate|disinformation|cancer)",
    ],
    "STATEMENT_PROTEST": [  # a diplomatic protest is a statement, not a street protest
        r"(?:lodged|delivered|sent|handed|issued) (?:a |an )?(?:formal |strong )?(?:note of )?protests?",
        r"notes? of protest",
        r"protest notes?",
        r"нот\w* протеста",
        r"нот\w* протесту",
        r"protesto notas\w*",
        r"notes? de protestation",
        r"~protestnote\w*",
        r"basın açıklaması\w*",
        r"press (?:release|statement|conference)s?",
        r"conférences? de presse",
        r"~pressekonferenz\w*",
        r"пресс-конференци\w*",
        r"пресконференці\w*|прес-конференці\w*",
        r"basın toplantı\w*",
    ],
    "DISRUPTED": [
        r"(?:shot down|intercepted|downed|neutrali[sz]ed|defused|disarmed|destroyed|jammed) "
        + _W
        + r"{0,3}(?:drones?|missiles?|rockets?|uavs?|projectiles?|bombs?|ieds?|landmines?|mines|"
        r"explosive devices?|devices|explosives|shaheds?)\b",
        r"(?:drones?|missiles?|rockets?|uavs?|projectiles?|bombs?|ieds?|mines|explosive devices?|shaheds?) "
        + _W
        + r"{0,3}(?:were|was|have been|had been) (?:\w+ )?(?:shot down|intercepted|downed|"
        r"neutrali[sz]ed|defused|destroyed)",
        r"air defen[cs]es? " + _W + r"{0,3}(?:intercepted|shot down|destroyed|repelled)",
        r"(?:weapons|arms|ammunition|explosives) (?:caches?|depots?|stockpiles?)",
        r"(?:seized|confiscated|found|discovered) " + _W + r"{0,3}(?:weapons|arms|ammunition|explosives|"
        r"grenades|rifles)\b",
        r"demining|mine clearance|bomb disposal",
        r"(?:сбит\w*|сбил\w*|перехвач\w*|перехвати\w*|уничтож\w*|подавлен\w*|обезвред\w*) "
        + _W
        + r"{0,3}(?:беспилотник\w*|бпла|дрон\w*|ракет\w*|снаряд\w*|сву|взрывн\w*|мин[аыу]?\b)",
        r"(?:беспилотник\w*|бпла|дрон\w*|ракет\w*) "
        + _W
        + r"{0,3}(?:сбит\w*|сбил\w*|перехвач\w*|уничтож\w*)",
        r"пво " + _W + r"{0,3}(?:сбил\w*|перехвати\w*|уничтож\w*|отразил\w*)",
        r"изъял\w* " + _W + r"{0,3}(?:оружи\w*|боеприпас\w*|взрывчатк\w*|гранат\w*)",
        r"разминир\w*",
        r"(?:збит\w*|збил\w*|перехопл\w*|перехопил\w*|знищен\w*|знищил\w*|знешкод\w*) "
        + _W
        + r"{0,3}(?:безпілотник\w*|бпла|дрон\w*|ракет\w*|шахед\w*|снаряд\w*|вибух\w*|мін[аиу]?\b)",
        r"(?:безпілотник\w*|бпла|дрон\w*|ракет\w*|шахед\w*) " + _W + r"{0,3}(?:збит\w*|збил\w*|"
        r"перехопл\w*|знищен\w*|знищил\w*)",
        r"(?:сили )?ппо " + _W + r"{0,3}(?:збил\w*|знищил\w*|перехопил\w*)",
        r"вилучил\w* " + _W + r"{0,3}(?:зброю|боєприпас\w*|вибухівк\w*)",
        r"розмінува\w*",
        r"(?:s?iha|dron|füze|roket|mühimmat|patlayıcı|silah|mayın|el yapımı patlayıcı)\w* "
        + _W
        + r"{0,3}(?:düşürüldü|düşürdü|imha edil\w*|etkisiz hale getiril\w*|ele geçiril\w*|engellendi|"
        r"önlendi|bulundu)",
        r"(?:abattu\w*|intercept\w*|détruit\w*|neutralis\w*|désamorc\w*) "
        + _W
        + r"{0,3}(?:drones?|missiles?|roquettes?|engins?|bombes?|mines|obus)\b",
        r"(?:drones?|missiles?|roquettes?) " + _W + r"{0,3}(?:ont été |a été )?(?:abattu\w*|intercept\w*|"
        r"détruit\w*|neutralis\w*)",
        r"déminage|caches? d['’]armes|saisi\w* " + _W + r"{0,3}(?:armes|munitions|explosifs)",
        r"~(?:drohne|rakete|marschflugkörper|geschoss)\w* "
        + _W
        + r"{0,4}(?:abgeschossen|abgefangen|zerstört|unschädlich)",
        r"~luftabwehr\w* " + _W + r"{0,3}(?:abgefangen|abgeschossen|zerstört|fing|schoss)",
        r"entschärft\w*|~waffenlager\w*|~kampfmittelräum\w*",
        r"beschlagnahmt\w* " + _W + r"{0,3}(?:waffen|munition|sprengstoff)",
    ],
    "CHEMICAL": [
        r"chemical (?:weapons?|attacks?|agents?|munitions?)",
        r"sarin|chlorine gas|nerve agents?|toxic gas",
        r"химическ\w* (?:оружи|атак)\w*|зарин\w*|хлор\w* газ\w*",
        r"хімічн\w* (?:зброї|зброя|зброю|атак)\w*",
        r"kimyasal (?:silah|saldırı)\w*",
        r"armes? chimiques?|attaques? chimiques?",
        r"~chemiewaffe\w*|~giftgas\w*|chemische\w* waffe\w*|~chemieangriff\w*",
    ],
    "SUICIDE": [
        r"suicide (?:bomb\w*|attacks?|attackers?|vests?|car bomb\w*)|self-detonat\w*",
        r"смертни(?:к|ца|ки|ком|цей)\w*|шахид(?:ка|ы)?\b",
        r"canlı bomba\w*|intihar (?:saldırı|eylem|bombacı)\w*",
        r"attentats?-suicides?|attentats? suicides?|kamikazes?\b(?! ?drones?)",
        r"~selbstmord(?:anschlag|attentat|attentäter)\w*",
    ],
    "AIR": [
        r"air ?strikes?|air ?raids?|air attacks?|aerial (?:bombardment|attack|strike)s?",
        r"drone (?:strikes?|attacks?)|kamikaze drones?|drones?\b|uavs?\b|shaheds?\b|loitering munitions?",
        r"warplanes?|fighter jets?|helicopter gunships?|bombed from the air",
        r"(?:jets|aircraft|planes|helicopters) " + _W + r"{0,2}(?:bombed|struck|hit|attacked)",
        r"авиаудар\w*|авианал[её]т\w*|беспилотник\w*|бпла\b|дрон\w*|шахед\w*|авиабомб\w*|"
        r"авиаци\w* (?:нанес|удари|атакова)\w*|герань-\d",
        r"авіаудар\w*|авіанал[іе]т\w*|безпілотник\w*|бпла\b|дрон\w*|шахед\w*|авіабомб\w*",
        r"hava (?:saldırı|harekat|harekât|bombardıman|akın)\w*|s?iha(?:\b|['’]\w*|lar\w*|sı\w*|nın|yla|dan)",
        r"insansız hava araç\w*|dron\w*|savaş uçak\w*|pilotsuz",
        r"frappes? (?:aériennes?|de drones?)|raids? aériens?|bombardements? aériens?|drones?\b",
        r"avions? de (?:combat|chasse)|attaques? de drones?",
        r"~luftangriff\w*|~luftschl(?:a|ä)g\w*|~drohne\w*|kampfjet\w*|~kampfflugzeug\w*",
        r"pilotsuz uçuş aparat\w*|dron(?:lar)?\b|hava hücum\w*",
    ],
    "SHELLING": [
        r"shell(?:ed|ing)\b|artillery|mortars?\b|missiles?\b|rockets?\b|howitzers?|mlrs\b|"
        r"cluster munitions?|barrages?\b|bombard(?:ed|ment|ments)\b|ballistic|himars|shells (?:hit|struck|landed|fell)",
        r"обстрел\w*|артобстрел\w*|артиллери\w*|ракетн\w*|ракет(?:а|ы|ой|у|ами)\b|миномет\w*|миномёт\w*|"
        r"снаряд\w*|рсзо|кассетн\w*|хаймарс\w*",
        r"обстріл\w*|артилері\w*|ракет(?:а|и|ою|у|ами)\b|мінометн\w*|міномет\w*|рсзв",
        r"bombardıman\w*|bombala(?:dı|ndı|nan|ması)\w*|top(?:çu)? atış\w*|topçu\w*|füze\w*|roket\w*|"
        r"havan\w*|obüs\w*|mermi yağ\w*",
        r"bombard\w*|pilonn\w*|obus\b|artillerie\w*|roquettes?|tirs? d['’]artillerie|mortiers?",
        r"~beschuss\w*|beschossen|~artillerie\w*|~rakete[n]?\w*|granate[n]?\b|~mörser\w*|"
        r"~marschflugkörper\w*|bombardier\w*",
        r"artilleriya|raket\w*|atəşə tut\w*|minaatan\w*",
    ],
    "INTERVENTION": [
        r"tear ?gas|water ?cannons?|rubber bullets?|pepper ?spray\w*|stun grenades?|flash-?bangs?|kettl(?:ed|ing)",
        r"(?:police|officers|riot police|security forces|gendarmes|troopers) "
        + _W
        + r"{0,2}(?:dispersed|broke up|stopped|blocked|halted|ended|shut down|cleared|charged|"
        r"banned|prevented|ordered)",
        r"(?:dispersed|broken up|stopped|halted|blocked) by (?:the )?(?:police|officers|security forces)",
        r"broke up the|(?:was|were) (?:forcibly )?dispersed",
        r"разогна\w*|слезоточив\w*|водом[её]т\w*|резинов\w* пул\w*|светошумов\w*",
        r"(?:полиция|полицейские|силовики|росгвардия) " + _W + r"{0,2}(?:остановил\w*|пресекл\w*|"
        r"прекратил\w*|оцепил\w*|не пропустил\w*)",
        r"розігна\w*|сльозогінн\w*|водомет\w*",
        r"biber gaz\w*|tazyikli su\w*|plastik mermi\w*|dağıt(?:tı|ıldı|ılan|mak|mış)\w*|müdahale\w*",
        r"(?:polis|polisler|emniyet) " + _W + r"{0,3}(?:durdurdu|engelledi|izin vermedi)",
        r"gaz lacrymogène\w*|lacrymogène\w*|canons? à eau|balles? en caoutchouc|grenades? de désencerclement",
        r"dispers(?:é|ée|és|ées|er)\b|nass(?:e|é|és)\b",
        r"(?:la police|les forces de l['’]ordre|les policiers|les gendarmes|les crs) "
        + _W
        + r"{0,3}(?:ont|a) (?:stoppé|bloqué|arrêté|interrompu|chargé|empêché)",
        r"~tränengas\w*|~wasserwerfer\w*|~pfefferspray\w*|~gummigeschoss\w*",
        r"(?:polizei|beamten|beamte|einsatzkräfte) "
        + _W
        + r"{0,4}(?:stoppte\w*|gestoppt|löste\w*|aufgelöst|abgebrochen|beendet\w*|brach\w*|bricht|kesselte\w*|"
        r"eingekesselt|verbot\w*|räumte\w*|geräumt)",
        r"(?:stoppte|stoppten|stoppt|räumte|räumten|beendete|beendeten) die polizei",
        r"(?:gestoppt|aufgelöst|abgebrochen) (?:worden|wurde)|(?:wurde|wurden) " + _W + r"{0,3}(?:gestoppt|"
        r"aufgelöst|abgebrochen)\b",
        r"потребовал\w* "
        + _W
        + r"{0,3}(?:прекратить|разойтись)|ordered "
        + _W
        + r"{0,3}to (?:disperse|leave|"
        r"end|stop|close)",
        r"göz yaşartıcı|qaz\w* (?:gaz|istifadə)",
    ],
    "EXCESSIVE": [
        r"excessive force|police brutality|live (?:ammunition|rounds|fire)",
        r"(?:opened fire|fired|shot) (?:\w+ )?(?:on|at|into) (?:the )?(?:protesters|demonstrators|crowds?|"
        r"marchers|mourners|participants)",
        r"(?:beat|beaten|clubbed|shot|killed|shot dead) " + _W + r"{0,2}(?:protesters|demonstrators|"
        r"marchers|participants|mourners)",
        r"(?:protesters|demonstrators|marchers) (?:were|was) (?:\w+ )?(?:shot|beaten|killed|clubbed)",
        r"избил\w* " + _W + r"?(?:участник|протестующ|демонстрант)\w*",
        r"открыл\w* огонь по " + _W + r"?(?:протестующ|демонстрант|участник|толп)\w*",
        r"боев\w* патрон\w*",
        r"відкрил\w* вогонь по " + _W + r"?(?:протестувальник|демонстрант|учасник|натовп)\w*",
        r"побил\w* " + _W + r"?(?:протестувальник|учасник|демонстрант)\w*|бойов\w* набо\w*",
        r"(?:göstericilere|eylemcilere|kalabalığa|protestoculara) " + _W + r"?(?:ateş açtı|ateş açıldı|"
        r"saldırdı)|orantısız güç|gerçek mermi\w*",
        r"usage excessif de la force|violences? policières?|force excessive|balles réelles|matraqu\w*",
        r"tir(?:é|és|aient|ent)? sur (?:les )?(?:manifestants|la foule|protestataires)",
        r"~polizeigewalt|übermäßige\w* gewalt|scharfe\w* munition|~knüppel\w*",
        r"(?:schossen|feuerten|prügelten|schlugen) " + _W + r"{0,2}auf (?:die )?(?:demonstranten|menge|"
        r"protestierende\w*|teilnehmer\w*)",
    ],
    "MOB": [
        r"mobs?\b|lynch\w*|pogroms?\b|vigilantes?\b",
        r"(?:crowd|group of (?:\w+ )?(?:men|people|youths|residents)) " + _W + r"{0,2}(?:attacked|beat|"
        r"assaulted|stormed|set upon)",
        r"толп\w* " + _W + r"?(?:напал\w*|избил\w*|атаковал\w*)|самосуд\w*|погром\w*|линчева\w*",
        r"натовп\w* " + _W + r"?(?:напав|напали|побил\w*)|самосуд\w*|погром\w*",
        r"linç\w*|(?:kalabalık|grup) " + _W + r"{0,2}saldırdı",
        r"(?:foule|groupe d['’]hommes|bande) " + _W + r"{0,3}(?:a|ont) (?:attaqué|agressé|roué)",
        r"~lynchmob\w*|~mob\b|(?:menge|gruppe von \w+) " + _W + r"{0,3}(?:griff|griffen|attackierte\w*|"
        r"prügelte\w*)",
    ],
    "RIOT": [
        r"riot(?:s|ed|ers|ing)?\b|civil unrest|turned violent|violence broke out|unrest\b",
        r"(?:threw|hurled|throwing|hurling) " + _W + r"{0,3}(?:stones|rocks|bottles|eggs|bricks|molotov|"
        r"petrol bombs|fireworks|firecrackers|flares|objects|projectiles|paint)",
        r"(?:stones|rocks|bottles|bricks|firecrackers|fireworks|flares|projectiles|molotov cocktails|"
        r"flagpoles) " + _W + r"{0,3}(?:were|was) (?:thrown|hurled)",
        r"pelted|broke through (?:a |the )?police (?:cordon|lines?|barriers?)",
        r"(?:attacked|assaulted|injured|hurt) (?:a |an |the |two |three |several |many )?(?:police|officers?|"
        r"policemen)\b(?! (?:said|say|detained|arrested))",
        r"беспорядк\w*",
        r"(?:бросал\w*|забрасыва\w*|кидал\w*) " + _W + r"{0,3}(?:камн|бутылк|петард|файер|яйц|предмет|"
        r"пиротехник|камін|камен|пляшк)\w*",
        r"прорвал\w* " + _W + r"?(?:полицейск\w* )?(?:оцеплени|оточенн|кордон)\w*",
        r"напал\w* на " + _W + r"?(?:полицейск|сотрудник)\w*",
        r"заворушен\w*",
        r"taş(?:lar)? (?:attı|atıldı|atan|atarak)\w*|taşlı sopalı|olaylar çıktı|olay çıktı|olaylı|kargaşa\w*",
        r"(?:şişe|havai fişek|molotof|taş)\w* " + _W + r"?(?:attı|atıldı|fırlattı|fırlatıldı)\w*",
        r"polise saldır\w*",
        r"(?:yumurta|boya|taş|şişe)\w* " + _W + r"{0,2}at(?:tı|tılar|ması|arak|ıldı)\w*",
        r"émeut\w*|casseurs?\b|dégénér\w*|violences ont éclaté",
        r"(?:jets?|jeté|lancé|lancés|lancer) " + _W + r"{0,2}(?:de )?(?:projectiles|pierres|bouteilles|"
        r"pétards|fumigènes|cocktails molotov)",
        r"(?:pierres|bouteilles|pétards|projectiles|fumigènes) "
        + _W
        + r"{0,2}(?:ont été )?(?:lancé|jeté)\w*",
        r"~ausschreitung\w*|~krawall\w*|randal\w*|eskalier\w*",
        r"(?:warfen|geworfen|schleuderten) ",
        r"~(?:flaschen|steine|böller|pyrotechnik|feuerwerkskörper|bengalos)\w* "
        + _W
        + r"{0,3}(?:geworfen|flogen)",
        r"durchbrach\w* " + _W + r"?~?polizeikette\w*|~polizeikette\w* durchbrochen",
    ],
    "CLASH": [
        r"clash(?:ed|es|ing)?\b|scuffl(?:e|es|ed)\b|brawl(?:s|ed|ing)?\b|fist ?fights?|fights? broke out|"
        r"(?:violent )?confrontations?\b|altercations?\b|skirmish(?:es|ed)?\b",
        r"столкновени\w*|столкнул\w*|драк(?:а|и|у|ой|е)\b|подрал\w*|потасовк\w*|стычк\w*|перепалк\w*",
        r"сутичк\w*|зіткнен\w*|бійк\w*|побил(?:ися|ись)\b",
        r"çatışma\w*|çatıştı\w*|arbede\w*|kavga\w*|karşı karşıya geldi\w*|toqquşma\w*",
        r"heurts?\b|affrontement\w*|s['’]affront\w*|affront(?:é|és|ées)\b|échauffourée\w*|bagarre\w*|rixe\w*",
        r"~zusammenst(?:ö|oe)(?:ß|ss)\w*|auseinandersetzung\w*|~rangelei\w*|~schlägerei\w*|handgemenge",
    ],
    "BATTLE": [
        r"(?:heavy |fierce |intense |ongoing |street )?fighting\b|gun ?battles?|firefights?|"
        r"exchanges? of fire|exchanged fire|armed clash(?:es)?|battles? (?:for|over|near|around|in)\b",
        r"fought\b|ambush(?:ed|es)?\b|returned fire|counter-?offensive|offensive on\b",
        r"бо(?:и|ёв|ях|ями)\b|боестолкновени\w*|перестрелк\w*|вооруж[её]нн\w* столкновени\w*|"
        r"наступлени\w*|штурм\w*|контрнаступ\w*|засад\w*",
        r"бо(?:ї|їв|ях|ями)\b|боєзіткнен\w*|перестрілк\w*|наступ(?:у|ом|і)?\b|штурм\w*|контрнаступ\w*|засідк\w*",
        r"sıcak temas|silahlı çatışma\w*|karşılıklı ateş|muharebe\w*|pusu\w*|döyüş\w*",
        r"combats?\b|échanges? de tirs|accrochage\w*|embuscade\w*|affrontements armés|contre-offensive",
        r"~gefecht\w*|kämpfe\b|kämpfen\b|~kämpfe\b|~schusswechsel\w*|hinterhalt\w*|~gegenoffensive\w*",
    ],
    "TERRITORY": [
        r"(?:captured|seized|took|taken|overran|overrun|stormed|occupied|entered) (?:full )?(?:control of )?"
        r"(?:the )?(?:village|town|city|settlement|district|region|hill|heights|airport|airfield|base|"
        r"bridge|border crossing|positions?|outskirts|(?-i:[A-Z]\w+))",
        r"(?:seized|took|taken|gained|regained|established|lost) (?:full )?control (?:of|over)\b",
        r"fell to\b|retook|retaken|recaptured|recapture of|liberated|liberation of|won back|withdrew from the town",
        r"освобо(?:дил\w*|жд[её]н\w*|ждени\w*)|взял\w* под (?:свой |полный )?контроль|взят\w* под контроль|"
        r"(?:занял\w*|захватил\w*|захвачен\w*|овладел\w*) " + _W + r"?(?:населённ|населенн|сел|город|посёл|"
        r"посел|высот|позици|(?-i:[А-ЯЁ]))\w*",
        r"(?:звільнил\w*|звільнен\w*|захопил\w*|захоплен\w*|окупува\w*) " + _W + r"?(?:населен|сел|міст|"
        r"селищ|висот|позиці|(?-i:[А-ЯІЇЄ]))\w*|взял\w* під контроль|деокупова\w*",
        r"kontrolü(?:nü)? (?:ele geçir|sağla)\w*|ele geçir\w*|geri al(?:dı|ındı)\w*|kurtar(?:dı|ıldı)\w*|"
        r"yeniden kontrol\w*",
        r"pris le contrôle|prise? (?:de|du) contrôle|s['’](?:est|sont) emparé\w*|tomb(?:é|ée|és|ées) aux mains|"
        r"reconquis\w*|reprise (?:de|du)|(?:ont|a) (?:pris|repris|conquis|capturé|libéré) (?:la ville|le village|"
        r"la localité|la colline|(?-i:[A-Z]\w+))",
        r"~(?:eingenommen|erobert|eroberung|zurückerobert|rückeroberung)\w*|unter (?:ihre |seine |die )?"
        r"kontrolle gebracht",
        r"nəzarətə götür\w*|azad ed\w*",
    ],
    "NONSTATE": [],  # filled below: used only as context
    "IED": [
        r"ieds?\b|improvised explosive|roadside bombs?|land ?mines?|(?:anti-personnel|anti-tank) mines?|"
        r"car bombs?|booby[- ]trap\w*|explosive devices?|stepped on a mine|mine (?:blast|explosion)",
        r"bomb (?:exploded|went off|blast)|(?:bomb|explosive)s? " + _W + r"{0,2}(?:planted|detonated)|"
        r"explosions?\b|blasts?\b|exploded|detonat\w*",
        r"сву\b|самодельн\w* взрывн\w*|фугас\w*|мин(?:а|ы|у|ой)\b|растяжк\w*|подорвал\w*|взрывн\w* устройств\w*|"
        r"взрыв\w*|взорвал\w*|заминирова\w*|бомб(?:а|у|ы)\b",
        r"свп\b|саморобн\w* вибух\w*|мін(?:а|и|у|ою)\b|підірвал\w*|підрив\w*|вибух\w*|розтяжк\w*",
        r"el yapımı patlayıcı\w*|eyp\b|mayın\w*|bombalı araç\w*|tuzaklanmış|patlama\w*|patladı|patlatıl\w*|"
        r"patlayıcı\w*|bomba yüklü",
        r"engins? explosifs?|eei\b|mines? (?:antipersonnel|antichars?)|voitures? piégées?|piég(?:é|ée|és|ées)\b|"
        r"explosion\w*|a explosé|ont explosé",
        r"~sprengfalle\w*|~landmine\w*|~autobombe\w*|~sprengs(?:atz|ätze)\w*|~explosion\w*|explodiert\w*|"
        r"~bombe\w* " + _W + r"?(?:explodierte|detoniert\w*)",
        r"partlayış\w*|mina\b",
    ],
    "GRENADE": [r"grenades?\b|гранат\w*|el bombas\w*|~handgranate\w*|qumbara\w*"],
    "SEXUAL": [
        r"rap(?:e|ed|es|ing)\b|sexual (?:violence|assault|abuse)|sexually (?:assaulted|abused)",
        r"изнасил\w*|сексуальн\w* насили\w*",
        r"з[гґ]валт\w*|сексуальн\w* насильств\w*",
        r"tecavüz\w*|cinsel (?:saldırı|istismar|şiddet)\w*",
        r"viol(?:é|ée|és|ées|s)?\b(?! (?:le cessez|la trêve|l['’]accord|la loi|les droits|la résolution|"
        r"l['’]espace|la frontière|la souveraineté))|violences? sexuelles?|agressions? sexuelles?",
        r"vergewaltig\w*|sexuelle\w* gewalt|sexuelle\w* übergriff\w*",
    ],
    "ABDUCT": [
        r"kidnap\w*|abduct\w*|taken hostage|held hostage|hostages?\b|forcibly disappeared|enforced disappearance",
        r"похищ\w*|похитил\w*|заложник\w*|насильственн\w* исчезновени\w*",
        r"викрал\w*|викраден\w*|заручник\w*|насильницьк\w* зникнен\w*",
        r"kaçırıl\w*|kaçırdı\w*|rehin\w*|zorla kaybet\w*",
        r"enlev(?:é|ée|és|ées|ement|ements)\b|enlèvement\w*|kidnapp\w*|otages?\b|disparitions? forcées?",
        r"entführ\w*|verschlepp\w*|geisel\w*",
        r"girov\w*|oğurla\w*",
    ],
    "ATTACK": [
        r"killed\b|murder(?:ed|s)?\b|massacre\w*|executed|executions?\b|shot dead|gunned down|"
        r"stabb(?:ed|ing)|beheaded|assaulted|attacked\b|attacks? on\b|terror(?:ist)? attacks?|"
        r"shootings?\b|gunm[ae]n\b|opened fire|knife attack",
        r"убит\w*|убил\w*|убийств\w*|расстрел\w*|зарезал\w*|застрелил\w*|казн(?:ил|ен|ь)\w*|"
        r"нападени\w*|напал\w*|резн(?:я|и)\b|теракт\w*|атак\w* на\b",
        r"вбив(?:ся|ши|ав|ає|ають|ала|али)?\b|вбил(?:и|а)\b|вбит(?:о|і|ий|а|их)\b|вбивств\w*|розстріл\w*|напад\w*|теракт\w*|зарізав\w*|застрелив\w*|"
        r"стратил\w*|атак\w* на\b",
        r"öldür\w*|katlet\w*|katliam\w*|infaz\w*|bıçakla\w*|kurşunla\w*|saldır(?:dı|ıya|gan|ganlar|ısı|ısında|"
        r"ıda|ıyı|ı)\b|terör saldırı\w*|silahlı saldırı\w*",
        r"tu(?:é|ée|és|ées|ant)\b|assassin\w*|massacr\w*|exécut(?:é|és|ée|ées)\b|poignard\w*|agress(?:é|ée|és|ées)\b|"
        r"attaqu(?:é|ée|és|ées)\b|attaques? contre|attentats?\b|fusillade\w*|meurtr\w*",
        r"getötet|tötete\w*|ermordet\w*|~ermordung|~mord\b|~massaker\w*|hingerichtet|erschossen|erstochen|"
        r"~messerangriff\w*|~messerattacke\w*|angegriffen|attackiert\w*|~anschlag\b|~anschläge\w*|überfall\w*|"
        r"schüsse\b",
        r"öldürül\w*|qətlə yetir\w*|hücum\w*",
    ],
    "LOOTING": [
        r"loot(?:ed|ing|ers)?\b|ransack\w*|vandali[sz]\w*|arson\w*|torched|burned down|burnt down|"
        r"desecrat\w*|defaced|daubed|graffiti",
        r"set " + _W + r"{0,3}(?:on fire|ablaze|alight)",
        r"(?:smashed|broke) " + _W + r"{0,2}(?:windows|windscreens|shop fronts)",
        r"(?:destroyed|damaged|wrecked) " + _W + r"{0,2}(?:property|shops|stalls|cars|vehicles|monument|"
        r"memorial|statue|office)",
        r"мародёр\w*|мародер\w*|разграб\w*|поджог\w*|подожгл\w*|подожж\w*|вандал\w*|осквер\w*|разгромил\w*|"
        r"исписал\w*|разбил\w* " + _W + r"{0,2}(?:окн|витрин|машин|автомобил|стекл)\w*",
        r"пограбува\w*|підпал\w*|осквер\w*|розгромил\w*",
        r"yağma\w*|kundakla\w*|ateşe ver\w*|vandal\w*|camlarını kır\w*|yakıldı|tahrip ed\w*",
        r"pill(?:age|ages|é|és|ée|ées|ent|aient|ards)\b|saccag\w*|vandalis\w*|incendi(?:é|ée|és|ées|aire|aires)\b|"
        r"mis le feu|profan\w*|tagu(?:é|ée|és|ées)\b|dégradation\w*|vitrines? " + _W + r"{0,2}brisées?",
        r"geplündert|~plünder\w*|~brandanschl\w*|~brandstiftung\w*|angezündet|in brand gesetzt|verwüstet|"
        r"~vandalismus|beschmiert|geschändet|~sachbeschädigung\w*",
    ],
    "PROTEST": [
        r"rall(?:y|ies|ied|ying)\b|protest(?:s|ed|ers?|ing)?\b|counter-?protest\w*|"
        r"demonstrat(?:ion|ions|ors?|ed|ing)\b|counter-?demonstrat\w*",
        r"march(?:ed|ers?|ing|es)?\b|vigils?\b|pickets?\b|picket(?:ed|ing)\b|sit-ins?\b|motorcades?\b|"
        r"car (?:march|rally|parade|convoy)\w*|convoys? of cars|took to the streets|flash ?mobs?\b|"
        r"(?:hunger|general) strikes?\b|went on strike|on strike\b|walkouts?\b|"
        r"gathered (?:outside|in front of|at|near|on)\b|blockaded\b|"
        r"gatherings?\b(?! (?:of )?(?:evidence|information|intelligence|data))",
        r"митинг\w*|акци(?:я|и|ю|ей|ях|ям|ями)\b|пикет\w*|шестви\w*|автопробег\w*|протест\w*|"
        r"демонстрац\w*|демонстрант\w*|контрдемонстр\w*|манифестац\w*|марш(?:а|е|ем|и|ей|ах)?\b|"
        r"вышли на (?:улиц|площад)\w*|собрал(?:ись|ось)\b|забастовк\w*|голодовк\w*|флешмоб\w*|бдени\w*",
        r"мітинг\w*|акці(?:я|ї|ю|єю|ях)\b|пікет\w*|ход(?:а|ою)\b|автопробіг\w*|автопробіг\w*|"
        r"страйк\w*|зібрал(?:ися|ося)\b|вийшли на вулиц\w*|протестувальник\w*",
        r"miting\w*|eylem\w*|gösteri(?:ci\w*|ler\w*|de|ye|yi|nin|si\w*)?\b|"
        r"yürüyüş\w*|konvoy\w*|protesto\w*|nöbet\w*|oturma eylem\w*|bir araya gel\w*",
        r"manifestation\w*|manifestant\w*|manifest(?:é|ée|és|ées|er|ent|aient|ait)\b|contre-manifest\w*|"
        r"rassemblement\w*|rassembl(?:é|ée|és|ées)\b|marches?\b|ont marché|cortège\w*|défil(?:é|és|ée|ées)\b|"
        r"veillée\w*|grève\w*|protestataires?|descendus? dans la rue",
        r"~kundgebung\w*|~demonstration\w*|~demonstrant\w*|~demo(?:s)?\b|~protest\w*|~mahnwache\w*|"
        r"~korso\w*|~marsch\b|~märsche\b|~gedenkfahrt\w*|~streik\w*|~lichterkette\w*|versammlung\w*|"
        r"demonstriert\w*|auf die straße|~gegendemo\w*|~sitzblockade\w*",
        r"mitinq\w*|aksiya\w*|etiraz aksiya\w*|yürüş\w*",
    ],
    "ARREST": [
        r"arrest(?:ed|s|ing)?\b|detain(?:ed|ing|s)?\b|detentions?\b|(?:took|taken|take) into custody|apprehended",
        r"задержа(?:ли|л|ла|ны|н|на|но|ние|ния|нных|нные|ний)\b|арестова\w*",
        r"затрима(?:ли|в|ла|но|ні|ний|на|ння|нь|них)\b|заарештова\w*",
        r"gözaltı\w*|tutuklan\w*|tutukla\w*",
        r"interpell(?:é|ée|és|ées|ation|ations)\b|arrêt(?:é|ée|és|ées)\b|arrestations?\b|garde à vue",
        r"festgenommen|~festnahme\w*|in gewahrsam|verhaftet\w*|~verhaftung\w*|nahm\w* " + _W + r"{0,4}fest\b",
        r"saxlan\w*|həbs\w*",
    ],
    "AGREEMENT": [
        r"cease-?fires? (?:agreement|deal|was agreed|was signed|came into force|took effect)|"
        r"(?:agreed|signed|announced|declared|brokered|reached) (?:a |an |the )?(?:\w+ )?(?:cease-?fire|truce)|"
        r"truce\b|peace (?:deal|agreement|accord|treaty)|prisoner (?:exchange|swap)s?|"
        r"exchange of prisoners|armistice",
        r"(?:signed|reached|struck|concluded) (?:an? |the )?" + _W + r"{0,2}(?:agreement|deal|accord|"
        r"memorandum|treaty)",
        r"перемири\w*|прекращени\w* огня|обмен\w* (?:пленными|военнопленными|телами)|"
        r"подписал\w* " + _W + r"{0,3}(?:соглашени|договор|меморандум)\w*|"
        r"(?:соглашени|договор|меморандум)\w* " + _W + r"{0,3}подписа\w*",
        r"перемир['’ʼ]?\w*|припинен\w* вогню|обмін\w* полонен\w*|підписал\w* " + _W + r"{0,3}(?:угод|договір|"
        r"меморандум)\w*|(?:угод|меморандум)\w* " + _W + r"{0,3}підписа\w*",
        r"ateşkes\w*|esir takas\w*|mahkum takas\w*|(?:anlaşma|mutabakat)\w* " + _W + r"{0,3}imzala\w*",
        r"cessez-le-feu|trêve\w*|échange\w* de prisonniers|sign(?:é|ent|ait|er) " + _W + r"{0,3}(?:accord|"
        r"mémorandum|traité)\w*|accord\w* " + _W + r"{0,3}signé\w*",
        r"~waffenstillstand\w*|~waffenruhe\w*|~gefangenenaustausch\w*|~friedensvertrag\w*|"
        r"unterzeichne\w* " + _W + r"{0,3}~?(?:abkommen|vereinbarung|vertrag)\w*|"
        r"~(?:abkommen|vereinbarung|vertrag)\w* " + _W + r"{0,3}unterzeichnet",
        r"atəşkəs\w*",
    ],
    "TRANSFER": [
        r"(?:troops|forces|soldiers|units|militants|fighters) " + _W + r"{0,3}(?:withdr(?:ew|awn)|pulled out|"
        r"pulled back|retreated)|withdrawal of " + _W + r"?(?:troops|forces)|handed over control|"
        r"transferred control|handover of (?:the )?(?:town|city|territory|region|area)",
        r"(?:отвел\w*|отвёл\w*|вывел\w*|передал\w*) " + _W + r"{0,2}(?:войск\w*|контрол\w*)|вывод\w* войск",
        r"(?:відвел\w*|вивел\w*|передал\w*) " + _W + r"{0,2}(?:військ\w*|контрол\w*)|виведен\w* військ",
        r"(?:askerlerini|birliklerini|güçlerini) " + _W + r"{0,2}çek\w*|kontrolü(?:nü)? devr\w*",
        r"retrait des troupes|retir(?:é|és|ées) " + _W + r"{0,3}troupes|(?:transféré|remis) le contrôle",
        r"~truppenabzug\w*|(?:truppen|soldaten|streitkräfte) " + _W + r"{0,3}(?:abgezogen|zogen sich)|"
        r"kontrolle " + _W + r"{0,2}übergeben",
    ],
    "HQ": [
        r"(?:established|set up|opened|built) "
        + _W
        + r"{0,2}(?:military |new |forward )?(?:base|headquarters|"
        r"hq|outpost|command post)s?\b",
        r"(?:разместил\w*|создал\w*|развернул\w*|открыл\w*) " + _W + r"{0,2}(?:военн\w* )?(?:баз\w*|штаб\w*)",
        r"(?:розмістил\w*|створил\w*|розгорнул\w*) " + _W + r"{0,2}(?:баз\w*|штаб\w*)",
        r"(?:üs|karargah|karargâh)\w* " + _W + r"{0,2}(?:kurdu|kuruldu|açtı|açıldı)",
        r"(?:établi|installé|ouvert|mis en place) "
        + _W
        + r"{0,3}(?:base|quartier général|qg|poste de commandement)",
        r"~(?:stützpunkt|hauptquartier)\w* " + _W + r"{0,3}(?:errichtet|eingerichtet|aufgebaut)",
    ],
    "CHANGE_GROUP": [
        r"(?:announced|declared) (?:its |their )?(?:dissolution|disbandment|merger|formation)|disband(?:ed|s)\b|"
        r"changed its name|renamed itself|pledged allegiance|(?:new|newly)[ -]formed (?:group|militia|party|"
        r"battalion|brigade|coalition)",
        r"(?:объявил\w*|заявил\w*) о (?:роспуске|самороспуске|создании|слиянии)|самораспуст\w*|"
        r"сменил\w* название|присягнул\w*",
        r"саморозпуск\w*|змінил\w* назву|присягнул\w*",
        r"kendini feshet\w*|feshedildi|adını değiştir\w*|biat et\w*",
        r"(?:s['’]est|a été) dissou(?:s|te)|a changé de nom|prêté allégeance",
        r"(?:hat|haben) sich (?:selbst )?aufgelöst|umbenannt|treue geschworen",
    ],
    "MEETING": [
        r"webinars?|conferences?\b|round ?tables?|symposi\w*|forums?\b|panel discussions?|summits?\b|"
        r"seminars?\b|workshops?\b|hearings?\b",
        r"(?:held|hold|holds|convened|hosted|organi[sz]ed) (?:a |an )?"
        + _W
        + r"{0,2}(?:meeting|talks|session|"
        r"hearing|event|discussion|panel)",
        r"конференци\w*|вебинар\w*|кругл\w* стол\w*|форум\w*|семинар\w*|симпозиум\w*|саммит\w*|заседани\w*|"
        r"слушани\w*|переговор\w*",
        r"конференці\w*|вебінар\w*|кругл\w* стіл\w*|круглому столі|семінар\w*|саміт\w*|засідан\w*|перемовин\w*",
        r"konferans\w*|webinar\w*|vebinar\w*|panel\w*|yuvarlak masa\w*|sempozyum\w*|zirve\w*|toplantı\w*|"
        r"seminer\w*|çalıştay\w*",
        r"conférences?\b|webinaires?|tables? rondes?|colloques?|sommets?\b|séminaires?|réunions?\b|pourparlers",
        r"~konferenz\w*|webinar\w*|runde\w* tisch\w*|~podiumsdiskussion\w*|~tagung\w*|~gipfel\w*|"
        r"~seminar\w*|~treffen\b|~sitzung\b",
    ],
    "STATEMENT": [
        r"(?:issued|released|published|put out|posted|made) (?:a |an |the |its |their )?(?:\w+ )?(?:statement|"
        r"communiqu[ée]|declaration)|(?:said|says|stated|added|wrote) in a (?:\w+ )?statement|"
        r"in (?:a|its|their|the) (?:joint |written |official )?statement|the statement (?:said|read|added)|"
        r"statement (?:issued|released|published) by|communiqu[ée]s?\b",
        r"condemn(?:ed|s)\b|denounc(?:ed|es)\b|call(?:ed|s) on\b|urged\b|urges\b|"
        r"expressed " + _W + r"{0,2}(?:concern|condolences|solidarity|outrage|regret)|"
        r"summoned " + _W + r"{0,3}(?:ambassador|envoy|chargé)|briefing\b",
        r"в (?:сво[её]м |совместном |официальном )?заявлении|с заявлением|"
        r"(?:распространил\w*|опубликовал\w*|сделал\w*|выпустил\w*) " + _W + r"?заявлени\w*|"
        r"заявлени\w* (?:мид|посольств|министерств|пресс-служб)\w*|осудил\w*|осуждает|призвал\w*|призывает|"
        r"выразил\w* " + _W + r"{0,2}(?:обеспокоенност|соболезнован|протест|возмущени)\w*|брифинг\w*|"
        r"пресс-релиз\w*|коммюнике",
        r"(?:у|в) (?:своїй |спільній |офіційній )?заяві|із заявою|(?:оприлюднил\w*|опублікувал\w*|зробил\w*) "
        r"" + _W + r"?заяв\w*|засудил\w*|засуджує|закликал\w*|закликає|"
        r"висловил\w* " + _W + r"{0,2}(?:стурбованіст|співчутт|протест|обурен)\w*|брифінг\w*",
        r"açıklama(?:da|sında|larında|sı yayımla\w*| yaptı| yaparak| yayımla\w*| yayınla\w*)\b|"
        r"yazılı açıklama\w*|kınadı\w*|kınıyoruz|çağrı(?:da bulun|sında bulun)\w*|çağırdı|bildiri yayımla\w*",
        r"(?:dans|par) (?:un|le|son|leur) communiqué|communiqué (?:publié|diffusé)|"
        r"(?:dans|par) une déclaration|déclaration commune|publié (?:un|le|son|leur) communiqué|"
        r"publié une déclaration|"
        r"condamn(?:é|e|ent|ait)\b|dénonc(?:é|e|ent|ait)\b|appel(?:é|le|lent|ait) (?:à|au|aux)\b|exhort\w*|"
        r"point de presse",
        r"in einer (?:gemeinsamen |schriftlichen )?(?:erklärung|stellungnahme|mitteilung)|~pressemitteilung\w*|"
        r"gemeinsame\w* erklärung|(?:veröffentlichte|verbreitete) "
        + _W
        + r"{0,2}(?:erklärung|stellungnahme)|"
        r"verurteilte\w*|verurteilen\b|verurteilt (?:den|die|das|scharf|aufs|entschieden|ausdrücklich)\b|appellier\w*|rief\w* "
        + _W
        + r"{0,4}auf\b",
        r"bəyanat\w*|pislə\w*|qınad\w*",
    ],
    "PUBLICATION": [
        r"publish(?:ed|es)\b|released (?:a |an |the |its |their )?" + _W + r"?(?:report|video|footage|"
        r"documentary|study|investigation|article|book|dossier|map|film|list)",
        r"(?:report|video|documentary|investigation|article|dossier|study) " + _W + r"{0,2}(?:was |were )?"
        r"(?:published|released)",
        r"posted (?:a |an )?(?:video|photos?|message|post)\w*",
        r"опубликова\w*|выпустил\w* " + _W + r"?(?:доклад|отч[её]т|видео|фильм|расследовани)\w*",
        r"опублікува\w*|оприлюдни\w*",
        r"yayımla\w*|yayınla\w*",
        r"publi(?:é|ée|és|ées|e|ent|ait|cation)\b|(?:a|ont) diffusé|mis en ligne",
        r"veröffentlich\w*|publiziert\w*",
        r"dərc et\w*",
    ],
}

# Context words (not triggers): who fights, who is a victim. Matched on flagged sentences only.
_MILITARY = re.compile(
    r"\b(?:troops|soldiers?|servicem[ae]n|army|military|militants?|rebels?|insurgents?|fighters|"
    r"militias?|brigades?|battalions?|units|positions|front ?line|separatists?|jihadists?|"
    r"paramilitar\w*|armed forces|forces)\b|"
    r"\b(?:войск\w*|военн\w*|военнослужащ\w*|боевик\w*|арми[яиюей]|всу|бригад\w*|позици\w*|ополченц\w*|"
    r"подразделени\w*|сепаратист\w*|військ\w*|військовослужбов\w*|бойовик\w*|зсу|позиці\w*|окупант\w*|"
    r"підрозділ\w*|asker\w*|ordu\w*|militan\w*|terörist\w*|mevzi\w*|birlik\w*|güvenlik güçler\w*|"
    r"soldats?|troupes?|militaires?|armée\w*|rebelles?|djihadistes?|miliciens?|soldat\w*|truppe\w*|"
    r"armee\w*|streitkräfte\w*|militär\w*|kämpfer\w*|rebellen|milizen?|stellungen|einheiten|"
    r"separatisten|əsgər\w*|ordu\w*)",
    re.IGNORECASE,
)
_NONSTATE = re.compile(
    r"\b(?:rebels?|militants?|insurgents?|separatists?|militias?|armed groups?|jihadists?|fighters|"
    r"guerrillas?|боевик\w*|сепаратист\w*|ополченц\w*|бойовик\w*|militan\w*|terörist\w*|örgüt\w*|"
    r"rebelles?|djihadistes?|miliciens?|insurgés?|rebellen|milizen?|aufständisch\w*|separatisten|"
    r"dschihadist\w*)",
    re.IGNORECASE,
)
_STATE = re.compile(
    r"\b(?:army|armed forces|government forces|forces|troops|soldiers|military|армия|армии|войска|вс рф|всу|зсу|"
    r"військ\w*|ordu\w*|asker\w*|tsk|armée|troupes|soldats|armee|bundeswehr|streitkräfte|truppen|soldaten)",
    re.IGNORECASE,
)
_RETAKE = re.compile(
    r"retook|retaken|recaptur|regained|liberat|won back|освобо|звільн|деокуп|geri al|kurtar|yeniden kontrol|"
    r"repris|reconqu|reprise|libér|zurückerobert|rückeroberung|azad ed",
    re.IGNORECASE,
)
_CIVILIAN = re.compile(
    r"\b(?:civilians?|residents?|villagers?|children|child|women|woman|man|men|journalists?|passers-by|"
    r"worshippers|refugees|non-combatants|famil(?:y|ies)|teenagers?|boys?|girls?|elderly|pensioners?|"
    r"(?:aid|humanitarian) workers?|doctors?|medics|nurses|people|persons?|"
    r"мирн\w*|жител\w*|дет(?:ей|и)|реб[её]н\w*|журналист\w*|женщин\w*|мужчин\w*|пенсионер\w*|гражданск\w*|"
    r"человек\w*|люд(?:и|ей)|цивіл\w*|мешкан\w*|діт(?:ей|и)|дитин\w*|журналіст\w*|жінк\w*|чоловік\w*|"
    r"людин\w*|sivil\w*|çocuk\w*|kadın\w*|gazeteci\w*|köylü\w*|vatandaş\w*|kişi\w*|"
    r"civils?|habitants?|villageois|enfants?|femmes?|journalistes?|homme|personnes?|passants?|"
    r"zivilist\w*|zivilbevölkerung|bewohner\w*|einwohner\w*|kinder\w*|frauen|journalist\w*|mann|menschen|"
    r"personen|passant\w*|mülki\w*|dinc sakin\w*)",
    re.IGNORECASE,
)

# A meeting is reported when it was held, attended or opened, not when merely named.
_HELD = re.compile(
    r"\b(?:held|hosted|organi[sz]ed|convened|took place|attended|opened|chaired|gathered for|"
    r"провел\w*|провёл|прошл\w*|прош[её]л|состоял\w*|организова\w*|принял\w* участие|открыл\w*|"
    r"провів|провела|провели|відбул\w*|організува\w*|взял\w* участь|"
    r"düzenle\w*|gerçekleştir\w*|katıl\w*|yapıldı|toplandı|"
    r"s['’]est tenu\w*|se sont tenu\w*|a eu lieu|ont eu lieu|organis\w*|ont participé|a participé|réuni\w*|"
    r"fand\w*|veranstalt\w*|organisiert\w*|nahm\w*|tagte\w*|trafen|eröffnet\w*|keçiril\w*)",
    re.IGNORECASE,
)
# Physical signs that violence happened (not a metaphor, not a policy debate about missiles).
_PHYSICAL = re.compile(
    r"\b(?:struck|hit|hits|landed|fired|launched|killed|killing|kills|injur\w*|wound\w*|destroy\w*|damag\w*|"
    r"explod\w*|shelled|pounded|targeted|dropped|dead|died|casualt\w*|hospital\w*|ambulance|"
    r"knife|knives|sticks|stones|police|arrest\w*|detain\w*|broke out|between|victims|"
    r"удар\w*|попал\w*|выпущ\w*|обстрел\w*|погиб\w*|ранен\w*|разруш\w*|поврежд\w*|уничтож\w*|"
    r"прил[её]т\w*|запустил\w*|пострада\w*|госпитал\w*|полици\w*|задерж\w*|между|произош\w*|нож\w*|палк\w*|"
    r"влучи\w*|випущ\w*|загин\w*|поранен\w*|зруйн\w*|пошкодж\w*|знищ\w*|постражда\w*|поліці\w*|між|"
    r"vurdu|vuruldu|isabet\w*|hedef\w*|öl\w*|yaral\w*|hasar\w*|yıkıl\w*|düzenle\w*|ateş\w*|polis\w*|"
    r"arasında|çıktı|yaşandı|hayatını|"
    r"frapp\w*|touch\w*|tir\w*|tu(?:é|ée|és|ées|ant)|bless\w*|détrui\w*|endommag\w*|vis(?:é|ée|és|ées)|lanc\w*|"
    r"tomb\w*|morts?|police|entre|éclaté|hôpital|"
    r"getroffen|abgefeuert|getötet|verletzt\w*|zerstört|beschädigt|eingeschlagen|angegriffen|tote\w*|"
    r"polizei|zwischen|kam es|krankenhaus|"
    r"həlak|yaralan\w*|vurul\w*)",
    re.IGNORECASE,
)
# Classify has no places layer: a capitalised name after a place preposition, or a date word.
_ANCHOR = re.compile(
    r"\b(?:in|near|around|outside|at|on|from|в|во|у|под|около|біля|на|à|au|en|près de|bei|nahe|vor)\s+"
    r"(?-i:[A-ZА-ЯЁІЇЄ])|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|"
    r"overnight|january|february|april|june|july|august|september|october|november|december|"
    r"понедельник|вторник|сред[ау]|четверг|пятниц[ау]|суббот[ау]|воскресенье|вчера|сегодня|ночью|"
    r"понеділ\w*|вівтор\w*|серед\w*|четвер|п['’]ятниц\w*|субот\w*|неділ\w*|учора|вчора|сьогодні|"
    r"pazartesi|salı|çarşamba|perşembe|cuma|cumartesi|pazar|dün|bugün|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd['’]hui|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|gestern|heute)\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")

# Markers that put the triggers after them (in the same clause) into a referenced, earlier event.
_REF = re.compile(
    r"\b(?:victims? of|in (?:the )?memory of|memory of|commemorat\w*|anniversary|mourn\w*|against|"
    r"over (?:the|a|an|last)\b|condemn\w*|denounc\w*|in response to|in protest (?:at|against|over)|"
    r"reports? (?:on|about|of)|footage (?:of|from)|video (?:of|from)|accus\w*|blam\w*|remember\w*|"
    r"to protest|in solidarity with|killed in|died in|since|minutes? of silence|minute de silence|"
    r"schweigeminute\w*|минут\w* молчания|хвилин\w* мовчання|saygı duruş\w*|(?:names|photographs|photos|pictures|portraits|images) of|"
    r"criminal case|charged with|charges? of|suspicion of|suspected of|convicted of|sentenced for|case for|"
    r"уголовн\w* дел\w*|по стать\w*|подозрени\w* в|кримінальн\w* провадженн\w*|"
    r"soupçonn\w*|mis en examen|"
    r"жертв\w*|памят\w*|годовщин\w*|против|из-за|осудил\w*|осужд\w*|в ответ на|в знак протеста|"
    r"скорб\w*|трагеди\w*|обвин\w*|пам['’ʼ]?ят\w*|річниц\w*|проти|засудил\w*|засуджу\w*|у відповідь на|"
    r"на знак протесту|звинувачу\w*|звинуватил\w*|"
    r"victimes?|mémoire|commémor\w*|anniversaire|contre|condamn\w*|dénonc\w*|en réponse|hommage|deuil|"
    r"accus\w*|"
    r"opfer\w*|gedenk\w*|gedacht\w*|gedachten|erinnerung\w*|jahrestag\w*|gegen|wegen|verurteil\w*|"
    r"als reaktion auf|trauer\w*|vorgeworfen|"
    r"qurban\w*|xatirə\w*)",
    re.IGNORECASE,
)
# Turkish (and Azerbaijani) put the marker after the noun: "saldırısında ölenleri anmak için".
_REF_AFTER = re.compile(
    r"(?:kurban\w*|anısına|anma\w*|anmak|yıldönüm\w*|karşı|protesto et\w*|kınadı\w*|kınamak|nedeniyle|"
    r"yüzünden|tepki\w*|hayatını kaybeden\w*|ölen\w*|için|qurban\w*|xatirə\w*)",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"(?:\b(?:no|not|never|without|nobody|no one|none|ни одного|никто не|никого не|нікого не|ніхто не|aucune?|"
    r"sans|pas|jamais|personne n['’]a|kein\w*|nicht|ohne|niemand)\b(?:\s+\S+){0,2}\s*|\bн[еі]\s+(?:был\w*\s+|було\s+)?)$",
    re.IGNORECASE,
)
_NEGATION_AFTER = re.compile(
    r"\s*\w*\s*(?:olmadı\w*|yapılmadı\w*|yok\b|edilmedi\w*|alınmadı\w*)|"
    r"(?:\s+[\w.-]+){0,5}\s+(?:nicht|keine)(?=\s*[.,;!?]|$)",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"\s*(?:who|which|that|whose|die|der|das|welche\w*|котор\w*|яки\w*|погибш\w*|загибл\w*|qui|que|dont|"
    r"lesquel\w*)\b",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"„[^“”\"]*[“”\"]|“[^”]*”|«[^»]*»|\"[^\"]*\"")
_NAME_AFTER = re.compile(r"\s+(?:[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄ]|(?:of|de|du|des|der|для)\s+[A-ZÀ-ÖØ-Þ])")
_HARD_END = re.compile(r"[,;:!?()\[\]—–]|(?<!\d)\.\s")
_CLAUSE_END = re.compile(r"[,;:!?()\[\]—–\"«»“”]|\s-\s|(?<!\d)\.\s")

# category -> (type, subtype) when that category decides alone
_TYPE = {
    "CHEMICAL": ("Explosions/Remote violence", "Chemical weapon"),
    "SUICIDE": ("Explosions/Remote violence", "Suicide bomb"),
    "AIR": ("Explosions/Remote violence", "Air/drone strike"),
    "SHELLING": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "IED": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "GRENADE": ("Explosions/Remote violence", "Grenade"),
    "DISRUPTED": ("Strategic developments", "Disrupted weapons use"),
    "BATTLE": ("Battles", "Armed clash"),
    "MOB": ("Riots", "Mob violence"),
    "SEXUAL": ("Violence against civilians", "Sexual violence"),
    "ABDUCT": ("Violence against civilians", "Abduction/forced disappearance"),
    "ATTACK": ("Violence against civilians", "Attack"),
    "LOOTING": ("Strategic developments", "Looting/property destruction"),
    "ARREST": ("Strategic developments", "Arrests"),
    "AGREEMENT": ("Strategic developments", "Agreement"),
    "TRANSFER": ("Strategic developments", "Non-violent transfer of territory"),
    "HQ": ("Strategic developments", "Headquarters or base established"),
    "CHANGE_GROUP": ("Strategic developments", "Change to group/activity"),
    "MEETING": ("Information activity", "Meeting"),
    "PUBLICATION": ("Information activity", "Publication"),
    "STATEMENT": ("Information activity", "Statement"),
    "STATEMENT_PROTEST": ("Information activity", "Statement"),
}
# Precedence among the non-protest categories (earlier wins); the protest family sits after BATTLE.
_RANK = (
    "PROTEST_FAMILY",
    "CHEMICAL",
    "SUICIDE",
    "AIR",
    "SHELLING",
    "IED",
    "GRENADE",
    "DISRUPTED",
    "TERRITORY",
    "BATTLE",
    "MOB",
    "CLASH",
    "SEXUAL",
    "ABDUCT",
    "ATTACK",
    "LOOTING",
    "ARREST",
    "AGREEMENT",
    "TRANSFER",
    "HQ",
    "CHANGE_GROUP",
    "MEETING",
    "PUBLICATION",
    "STATEMENT",
    "STATEMENT_PROTEST",
)
_PROTESTER_WORD = re.compile(
    r"protest|demonstra|marcher|mourner|crowd|participant|протест|демонстрант|участник|толп|протестувальник|"
    r"учасник|натовп|gösterici|eylemci|kalabalı|manifestant|foule|teilnehm|menge",
    re.IGNORECASE,
)
_PROTEST_CUES = {"PROTEST", "INTERVENTION", "EXCESSIVE", "RIOT"}
_VIOLENT = {"CHEMICAL", "SUICIDE", "AIR", "SHELLING", "IED", "GRENADE", "MOB", "SEXUAL"}
_CONTEXT_ONLY = {"NEUTRAL", "NONSTATE"}


class Alternatives:
    """Many regex alternatives, matched fast: only those whose first letters fit are tried.

    Python's ``re`` tries every branch of an alternation at every position, which for a
    multilingual lexicon of ~700 phrases costs half a second per article. Here each alternative
    is filed under the lower-cased strings its match can begin with (computed from the parsed
    pattern, up to ``KEY`` letters); at every word start only the alternatives filed under the next
    letters are tried. Alternatives written with a leading "~" may start inside a word (German
    compounds); they are found with ``str.find`` on their literal beginnings.
    """

    KEY = 4

    def __init__(self, named: list[tuple[str, list[str]]]) -> None:
        self.cats: list[str] = []
        self.alts: list[re.Pattern[str]] = []
        self.buckets: dict[str, list[int]] = {}
        self.inner: dict[str, list[int]] = {}  # literal beginning -> "~" alternatives
        for cat, frags in named:
            for frag in frags:
                for piece in _split_top(frag):
                    anywhere = piece.startswith("~")
                    body = piece[1:] if anywhere else piece
                    idx = len(self.alts)
                    self.cats.append(cat)
                    self.alts.append(re.compile(body, re.IGNORECASE))
                    keys = _prefixes(body, 5 if anywhere else self.KEY)
                    if keys is None or "" in keys:
                        raise ValueError(f"pattern without a literal beginning: {piece!r}")
                    for k in keys:
                        (self.inner if anywhere else self.buckets).setdefault(k, []).append(idx)
        self.full = {k: v for k, v in self.buckets.items() if len(k) == self.KEY}
        self.short = {k: v for k, v in self.buckets.items() if len(k) < self.KEY}
        # word starts whose first letters begin some alternative, found by one scan in C
        self.finder = re.compile(r"\b(?=" + _trie(set(self.buckets)) + ")")
        self.inner_finder = re.compile("(?=" + _trie(set(self.inner)) + ")")
        self.inner_lengths = sorted({len(k) for k in self.inner})

    def finditer(
        self, norm: str, low: str, lo: int = 0, hi: int | None = None, inner: bool = True
    ) -> list[tuple[str, int, int]]:
        """Non-overlapping (category, start, end), leftmost first, earlier alternatives first.

        ``low`` is ``norm`` lower-cased (same length, see ``_prepare``); ``inner=False`` skips the
        in-word ("~") alternatives, which only German text needs.
        """
        hi = len(norm) if hi is None else hi
        cands: list[tuple[int, int, int]] = []  # (start, alternative index, end)
        alts, full, short, key = self.alts, self.full, self.short, self.KEY
        for f in self.finder.finditer(low, lo, hi):
            p = f.start()
            for idx in full.get(low[p : p + key], ()):
                m = alts[idx].match(norm, p, hi)
                if m:
                    cands.append((p, idx, m.end()))
            if short:
                for n in range(1, key):
                    for idx in short.get(low[p : p + n], ()):
                        m = alts[idx].match(norm, p, hi)
                        if m:
                            cands.append((p, idx, m.end()))
        if inner and self.inner:
            for f in self.inner_finder.finditer(low, lo, hi):
                i = f.start()
                for n in self.inner_lengths:
                    for idx in self.inner.get(low[i : i + n], ()):
                        m = alts[idx].match(norm, i, hi)
                        if m:
                            cands.append((i, idx, m.end()))
        if not cands:
            return []
        cands.sort()
        out, last = [], -1
        for s, idx, e in cands:
            if s >= last and e > s:
                out.append((self.cats[idx], s, e))
                last = e
        return out

    def search(self, norm: str, low: str, lo: int = 0, hi: int | None = None) -> bool:
        """Whether any alternative matches in norm[lo:hi]."""
        return bool(self.finditer(norm, low, lo, hi))


def _trie(keys: set[str]) -> str:
    """A regular expression matching any of ``keys``, factored by common beginnings (fast in ``re``)."""
    if not keys:
        return "(?!)"
    tree: dict = {}
    for k in keys:
        node = tree
        for ch in k:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        if "" in node and len(node) == 1:
            return ""
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "" if "" in node else body

    return emit(tree)


def _prefixes(pattern: str, n: int) -> set[str] | None:
    """The lower-cased strings (length <= n) a match of ``pattern`` can start with; None if any."""
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as P  # type: ignore[attr-defined]

    try:
        parsed = list(P.parse(pattern, re.IGNORECASE))
    except re.error:
        return None
    out: set[str] = set()

    def walk(items: list, prefix: str, budget: list[int]) -> bool:
        budget[0] -= 1
        if budget[0] < 0:
            return False
        if len(prefix) >= n or not items:
            out.add(prefix[:n])
            return True
        op, av = items[0]
        rest = items[1:]
        if op is C.LITERAL:
            return walk(rest, prefix + chr(av).lower(), budget)
        if op is C.AT:
            return walk(rest, prefix, budget)
        if op is C.SUBPATTERN:
            return walk(list(av[-1]) + rest, prefix, budget)
        if op is C.BRANCH:
            return all(walk(list(alt) + rest, prefix, budget) for alt in av[1])
        if op in (C.MAX_REPEAT, C.MIN_REPEAT):
            lo_, hi_, sub = av
            ok = True
            if lo_ == 0:
                ok = walk(rest, prefix, budget)
            more = [(op, (0, hi_ - 1 if hi_ != C.MAXREPEAT else hi_, sub))] if hi_ != 1 else []
            return ok and walk(list(sub) + more + rest, prefix, budget)
        if op is C.IN:
            chars = []
            for sop, sav in av:
                if sop is C.LITERAL:
                    chars.append(chr(sav))
                elif sop is C.RANGE and sav[1] - sav[0] < 8:
                    chars.extend(chr(c) for c in range(sav[0], sav[1] + 1))
                else:
                    return stop(prefix)
            return all(walk(rest, prefix + c.lower(), budget) for c in set(chars))
        return stop(prefix)

    def stop(prefix: str) -> bool:
        """Anything may follow: file under the letters known so far (none known: unusable)."""
        if prefix:
            out.add(prefix)
        return bool(prefix)

    if not walk(parsed, "", [5000]):
        return None
    return out


def _split_top(pattern: str) -> list[str]:
    """Split a fragment at its top-level "|" so that a "~" prefix applies per alternative."""
    out, depth, cur, i = [], 0, [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            cur.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":
            j = pattern.index("]", i + 2)
            cur.append(pattern[i : j + 1])
            i = j + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "|" and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    out.append("".join(cur))
    return [p for p in out if p]


@lru_cache(maxsize=1)
def _master() -> Alternatives:
    """Every trigger of every category, built once on first use."""
    return Alternatives([(cat, frags) for cat, frags in LEXICON.items() if frags])


# "March" with a capital is the month unless an article precedes it ("the March for Peace")
_ARTICLE_BEFORE = re.compile(
    r"(?:\b(?:a|the|this|that|our|their|its)|[Cc]ar|[Pp]eace|[Ss]ilent|[Pp]rotest) $"
)
_WORD_START = re.compile(r"\w+$")
_WEAPONS = {"AIR", "SHELLING", "IED", "GRENADE"}


Prep = tuple[str, str]  # (text, its lower-case twin of equal length)


def _prepare(text: str) -> Prep:
    """(text with Turkish İ folded, its lower-case twin of equal length)."""
    norm = text.replace("İ", "I")  # same length; Python has no Turkish case folding
    low = norm.lower()
    if len(low) != len(norm):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in norm)
    return norm, low


def _triggers(
    prep: Prep, lo: int = 0, hi: int | None = None, inner: bool = True, language: str | None = None
) -> list[tuple[str, int, int]]:
    """(category, start, end) for every trigger in text[lo:hi], in order of position."""
    text, low = prep
    out: list[tuple[str, int, int]] = []
    disrupted_end = -1
    for cat, s, e in _master().finditer(text, low, lo, hi, inner=inner):
        if cat in _CONTEXT_ONLY:
            continue
        if (
            cat == "PROTEST"
            and text[s : s + 5] == "March"
            and not _ARTICLE_BEFORE.search(text, max(0, s - 12), s)
        ):
            continue  # the month
        if s > 0 and text[s - 1].isalnum():  # "~" compound: start the trigger at its word
            w = _WORD_START.search(text, max(0, s - 40), s)
            if w:
                s = w.start()
        if _NEGATION.search(text, max(0, s - 24), s) or _NEGATION_AFTER.match(text, e):
            continue  # "no arrests were made", "no one was detained", "gözaltı olmadı"
        if (
            cat == "PROTEST"
            and language != "de"
            and text[s].isupper()
            and s > 1
            and (text[s - 2].isalnum() or text[s - 2] in ",;")
            and _NAME_AFTER.match(text, e)
        ):
            continue  # "the Rassemblement National", "the Protest Party": a name
        if (
            cat not in ("PROTEST", "STATEMENT_PROTEST")
            and text[s].isupper()
            and not text[s:e].isupper()
            and s > 1
            and (text[s - 2].isalnum() or text[s - 2] in ",;")
            and language != "de"
        ):
            continue  # a capitalised trigger mid-sentence is a name ("Rue de la Roquette"), save in German
        if cat in _WEAPONS and out and out[-1][0] == "DISRUPTED" and s - disrupted_end <= 35:
            if not _HARD_END.search(text, disrupted_end, s):
                disrupted_end = e
                continue  # "shot down 12 drones": the object of the interception, not a strike
        if cat == "DISRUPTED":
            disrupted_end = e
        out.append((cat, s, e))
    return out


# ---------------------------------------------------------------------------------------------
# Deciding the main event of one sentence
# ---------------------------------------------------------------------------------------------


def _fast(rx: re.Pattern[str]) -> Alternatives:
    """The prefix-bucketed twin of a word-list expression (built once)."""
    return _FAST.get(rx.pattern) or _FAST.setdefault(rx.pattern, Alternatives([("x", [rx.pattern])]))


_FAST: dict[str, Alternatives] = {}


def _hits(rx: re.Pattern[str], prep: Prep, lo: int = 0, hi: int | None = None) -> list[tuple[str, int, int]]:
    return _fast(rx).finditer(prep[0], prep[1], lo, hi, inner=False)


def _referenced(prep: Prep, lo: int, hi: int, triggers: list[tuple[str, int, int]], lang: str | None) -> list:
    """Spans of text[lo:hi] that are clauses about an earlier/other event (see module docstring)."""
    text = prep[0]
    spans = []
    for _cat, _start, me in _hits(_REF, prep, lo, hi):
        pos = me
        while True:
            end_m = _CLAUSE_END.search(text, pos, hi)
            if end_m and end_m.group() == "," and _RELATIVE.match(text, end_m.end()):
                pos = end_m.end()  # "victims, who were killed ...": the clause goes on
                continue
            break
        end = end_m.start() if end_m else hi
        if any(me <= t[1] < end for t in triggers):  # "against the war in Berlin" refers to no event
            spans.append((me, end))
    for q in _QUOTE.finditer(text, lo, hi):
        if q.end() - q.start() >= 30:
            spans.append((q.start(), q.end()))  # quoted speech: a claim, not the report
    if lang in ("tr", "az"):
        for _cat, s, e in triggers:
            after = _hits(_REF_AFTER, prep, e, min(hi, e + 45))
            if after and not _CLAUSE_END.search(text, e, after[0][1]):
                b = s
                while b > lo and not _CLAUSE_END.match(text, b - 1):
                    b -= 1
                spans.append((b, after[0][2]))
    return spans


def _in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _decide(
    prep: Prep,
    lo: int,
    hi: int,
    trig: list[tuple[str, int, int]],
    lang: str | None,
    anchored: bool = False,
) -> tuple[tuple[str, str], tuple[str, int, int] | None, list[tuple[int, int]]]:
    """((type, subtype), the deciding trigger, referenced spans) for the sentence text[lo:hi].

    Violence words need a sign that something physically happened (a casualty, a hit, police, a
    place or a date: ``anchored``), so that "like a grenade", "Iran's missile programme" and
    "clashes with Brussels" report nothing; a meeting needs to have been held.
    """
    if not trig:
        return OTHER, None, []
    text = prep[0]
    spans = _referenced(prep, lo, hi, trig, lang)
    cache: dict[str, bool] = {}

    def has(name: str) -> bool:
        if name not in cache:
            if name == "anchored":
                cache[name] = (
                    anchored
                    or bool(_DIGIT.search(text, lo, hi))
                    or bool(_hits(_ANCHOR, prep, lo, hi))
                    or has("physical")
                )
            else:
                rx = {"physical": _PHYSICAL, "military": _MILITARY, "civilian": _CIVILIAN, "held": _HELD}[
                    name
                ]
                cache[name] = bool(_hits(rx, prep, lo, hi))
        return cache[name]

    live = [t for t in trig if not _in_spans(t[1], spans)]
    pool = live or trig
    cats = {t[0] for t in trig}
    pool_cats = {t[0] for t in pool}
    protest = "PROTEST" in cats or ("RIOT" in cats and "riot" in text[lo:hi].lower())

    def first(cat: str) -> tuple[str, int, int] | None:
        return next((t for t in pool if t[0] == cat), None) or next((t for t in trig if t[0] == cat), None)

    for cat in _RANK:
        if cat == "PROTEST_FAMILY":
            if not (
                pool_cats & _PROTEST_CUES
                or (protest and pool_cats & {"CLASH", "ATTACK", "LOOTING", "ARREST"})
            ):
                continue
            excessive = first("EXCESSIVE")
            if excessive and not (protest or _PROTESTER_WORD.search(text, excessive[1], excessive[2])):
                pool_cats = pool_cats - {"EXCESSIVE"}  # "live ammunition" at a military exercise
            if not protest and not (pool_cats & {"RIOT", "EXCESSIVE"}):
                continue
            pt = first("PROTEST")
            if pool_cats & {"RIOT"} or (protest and pool_cats & {"CLASH", "LOOTING"}):
                key = "RIOT" if "RIOT" in pool_cats else ("CLASH" if "CLASH" in pool_cats else "LOOTING")
                return ("Riots", "Violent demonstration"), first(key), spans
            if "EXCESSIVE" in pool_cats:
                return ("Protests", "Excessive force against protesters"), first("EXCESSIVE"), spans
            if "MOB" in pool_cats:
                return ("Riots", "Mob violence"), first("MOB"), spans
            if protest and "ATTACK" in pool_cats:
                return ("Riots", "Violent demonstration"), first("ATTACK"), spans
            if cats & {"INTERVENTION", "ARREST", "GRENADE"} and (pt or "INTERVENTION" in cats):
                return ("Protests", "Protest with intervention"), pt or first("INTERVENTION"), spans
            if pt:
                return ("Protests", "Peaceful protest"), pt, spans
            continue
        if cat not in pool_cats:
            continue
        t = first(cat)
        if cat == "GRENADE" and protest:
            continue  # stun grenades at a protest: an intervention, handled above
        if cat in _VIOLENT and not has("anchored"):
            continue
        if cat in ("BATTLE", "TERRITORY") and not (has("military") or has("anchored")):
            continue
        if cat == "MEETING" and not has("held"):
            continue
        if cat == "TERRITORY":
            seg = text[t[1] : t[2]]
            if _RETAKE.search(seg):
                return ("Battles", "Government regains territory"), t, spans
            if _hits(_NONSTATE, prep, lo, hi):
                return ("Battles", "Non-state actor overtakes territory"), t, spans
            if _hits(_STATE, prep, lo, hi):
                return ("Battles", "Government regains territory"), t, spans
            return ("Battles", "Non-state actor overtakes territory"), t, spans
        if cat == "CLASH":
            if has("military"):
                return ("Battles", "Armed clash"), t, spans
            if has("physical"):
                return ("Riots", "Mob violence"), t, spans
            continue
        if cat == "ATTACK":
            if has("military") and not has("civilian"):
                return ("Battles", "Armed clash"), t, spans
            if not (has("civilian") or has("anchored")):
                continue
        if cat == "ARREST" and protest:
            continue
        return _TYPE[cat], t, spans
    return OTHER, None, spans


def classify(text: str, language: str | None = None) -> tuple[str, str]:
    """The main event of a snippet as (ACLED event type, sub-event type); ("Other", "Other") if none."""
    if not text:
        return OTHER
    prep = _prepare(text)
    return _decide(prep, 0, len(text), _triggers(prep, language=language), language)[0]


# ---------------------------------------------------------------------------------------------
# Casualties
# ---------------------------------------------------------------------------------------------
_KILLED = re.compile(
    r"\b(?:killed|killing|dead|died|deaths?|lives|fatalities|death toll|lost (?:their|his|her) lives?)\b|"
    r"\b(?:coûté la vie|perdu la vie)|"
    r"\b(?:погиб\w*|убит\w*|убил\w*|погибш\w*|скончал\w*|жертв\w*|загину\w*|загибл\w*|вбит\w*|вбил\w*|"
    r"померл\w*|öl(?:dü|dürüldü|dürdü|dürülen|en|enler|enlerin|ü|üm)\b|hayatını kaybet\w*|can verdi|"
    r"şehit\w*|cansız|tu(?:é|ée|és|ées|ant)\b|morts?\b|décéd\w*|décès|péri\b|getötet\w*|tote[nr]?\b|"
    r"starben|gestorben|ums leben|todesopfer\w*|həlak\w*|öldü)",
    re.IGNORECASE,
)
_INJURED = re.compile(
    r"\b(?:injur\w*|wounded|hurt|hospitali[sz]ed|"
    r"ранен\w*|ранил\w*|пострадал\w*|пострадавш\w*|госпитализ\w*|травм\w*|поранен\w*|поранил\w*|"
    r"постраждал\w*|травмован\w*|госпіталіз\w*|yaral\w*|bless(?:é|ée|és|ées|ant|ures?)\b|hospitalis\w*|"
    r"verletzt\w*|verletzte\w*|verwundet\w*|schwerverletzt\w*|leichtverletzt\w*|yaralan\w*)",
    re.IGNORECASE,
)
_NUMWORDS = {
    "en": "one 1 two 2 three 3 four 4 five 5 six 6 seven 7 eight 8 nine 9 ten 10 eleven 11 twelve 12 "
    "thirteen 13 fourteen 14 fifteen 15 twenty 20 thirty 30 forty 40 fifty 50 hundred 100 dozen 12",
    "ru": "один 1 одна 1 одного 1 одну 1 два 2 две 2 двух 2 двое 2 двоих 2 три 3 трех 3 трёх 3 трое 3 троих 3 "
    "четыре 4 четырех 4 четырёх 4 четверо 4 пять 5 пяти 5 пятеро 5 шесть 6 шести 6 шестеро 6 семь 7 семеро 7 "
    "восемь 8 девять 9 десять 10 десятеро 10",
    "uk": "один 1 одна 1 одного 1 два 2 дві 2 двох 2 двоє 2 три 3 трьох 3 троє 3 чотири 4 четверо 4 п'ять 5 "
    "п’ять 5 п'ятеро 5 п’ятеро 5 шість 6 шестеро 6 сім 7 семеро 7 вісім 8 дев'ять 9 дев’ять 9 десять 10",
    "tr": "bir 1 iki 2 üç 3 dört 4 beş 5 altı 6 yedi 7 sekiz 8 dokuz 9 on 10 yirmi 20 otuz 30",
    "az": "bir 1 iki 2 üç 3 dörd 4 beş 5 altı 6 yeddi 7 səkkiz 8 doqquz 9 on 10",
    "fr": "un 1 une 1 deux 2 trois 3 quatre 4 cinq 5 six 6 sept 7 huit 8 neuf 9 dix 10 onze 11 douze 12 "
    "quinze 15 vingt 20 trente 30 dizaine 10 douzaine 12",
    "de": "ein 1 eine 1 einer 1 einen 1 zwei 2 drei 3 vier 4 fünf 5 sechs 6 sieben 7 acht 8 neun 9 zehn 10 "
    "elf 11 zwölf 12 zwanzig 20 dreißig 30",
}
NUMBER_WORDS: dict[str, dict[str, int]] = {}
for _lang, _s in _NUMWORDS.items():
    _it = iter(_s.split())
    NUMBER_WORDS[_lang] = {w: int(n) for w, n in zip(_it, _it, strict=True)}
_ANY_NUMWORDS = {
    w: n
    for lang in ("en", "ru", "uk", "fr", "de")
    for w, n in NUMBER_WORDS[lang].items()
    if w not in ("un", "ein", "on", "bir")
}
_TOKEN = re.compile(r"\d{1,3}(?:[,.\u202f\u00a0 ]\d{3})+(?!\d)|\d+|[\w'’]+", re.UNICODE)
_CONJ = {"and", "и", "і", "та", "й", "ve", "ile", "et", "und", "plus", "as", "well", "ещё", "еще"}
_NOT_COUNT = re.compile(
    r"\.?[-\s]*(?:year|yr|лет|год|річ|рок|yaş|ans?\b|jähr|jahre|%|per ?cent|percent|km|kilomet|метр|"
    r"p\.?m|a\.?m|h\b|uhr|час|saat|heure|:|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|"
    r"янв|фев|мар|апр|ма[яй]|июн|июл|авг|сен|окт|ноя|дек|січ|лют|берез|квіт|трав|черв|лип|серп|верес|жовт|"
    r"листоп|груд|ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık|janv|févr|mars|"
    r"avr|mai|juin|juil|août|sept|okt|dez|märz|juni|juli)",
    re.IGNORECASE,
)
_NOBODY = re.compile(
    r"\b(?:no one|nobody|no casualties|no injuries|никто не|жертв нет|никого не|ніхто не|kimse|"
    r"yaralanan olmadı|personne n['’]a|aucun bless|aucune victime|niemand|keine verletzt)",
    re.IGNORECASE,
)


def _number(tok: str, nums: dict[str, int]) -> int | None:
    if tok[0].isdigit():
        digits = re.sub(r"\D", "", tok)
        return int(digits) if digits and len(digits) <= 9 else None
    return nums.get(tok.lower())


def _owned(toks: list, j: int) -> bool:
    """Whether a casualty word follows number ``j`` within three tokens, before any other number."""
    for t in toks[j + 1 : j + 4]:
        if t[0] in "ki":
            return True
        if t[0] == "n":
            return False
    return False


def casualties(
    sentence: str, language: str | None = None, ignore: list[tuple[int, int]] | None = None
) -> tuple[int | None, int | None]:
    """(killed, injured) counts reported in one sentence; None where it gives no number.

    A count is the number just before the casualty word ("2 kişi yaralandı", "zwei Verletzte") or,
    failing that, the numbers just after it joined by "and" ("killed at least 11 servicemen and
    one civilian" -> 12). Each number is used once; ages, times and dates are not counts.
    Casualty words inside ``ignore`` spans (offsets into ``sentence``: clauses about other,
    earlier events) are not counted.
    """
    prep = _prepare(sentence)
    kw = sorted(
        [(s, e, "k") for _, s, e in _hits(_KILLED, prep)] + [(s, e, "i") for _, s, e in _hits(_INJURED, prep)]
    )
    if ignore:
        kw = [k for k in kw if not _in_spans(k[0], ignore)]
    if not kw:
        return None, None
    nums = NUMBER_WORDS.get(language or "", _ANY_NUMWORDS)
    toks: list[tuple[str, int | None, int]] = []  # (kind, value, start)
    kw_starts = {s: (e, k) for s, e, k in kw}
    pos = 0
    for m in _TOKEN.finditer(sentence):
        if m.start() < pos:
            continue
        if m.start() in kw_starts:
            e, k = kw_starts[m.start()]
            toks.append((k, None, m.start()))
            pos = e
            continue
        if any(s < m.start() < e for s, e, _ in kw):
            continue
        n = _number(m.group(), nums)
        if (
            n is not None
            and toks
            and toks[-1][0] == "w"
            and sentence[toks[-1][2] : m.start()].strip().lower()
            in (
                "no",
                "not",
            )
        ):
            n = None  # "no one was injured"
        if n is not None and not _NOT_COUNT.match(sentence, m.end()):
            if m.group().isdigit() and 1900 <= n <= 2100 and len(m.group()) == 4:
                toks.append(("w", None, m.start()))
                continue
            toks.append(("n", n, m.start()))
        else:
            toks.append(("w", None, m.start()))
    used: set[int] = set()
    totals: dict[str, int | None] = {"k": None, "i": None}
    for i, (kind, _, _) in enumerate(toks):
        if kind not in "ki":
            continue
        count = None
        for j in range(i - 1, max(-1, i - 7), -1):  # back
            if toks[j][0] in "ki":
                break
            if toks[j][0] == "n" and j not in used:
                used.add(j)
                count = toks[j][1]
                break
        if count is None:  # forward, then "and N more"
            j, steps = i + 1, 0
            while j < len(toks) and steps < 4:
                if toks[j][0] in "ki":
                    break
                if toks[j][0] == "n" and j not in used:
                    if _owned(toks, j):
                        break  # "killed, and 11 civilians were injured": 11 has its own word
                    used.add(j)
                    count = toks[j][1]
                    k = j + 1
                    while k < len(toks) and k <= j + 4 and toks[k][0] not in "ki":
                        if toks[k][0] == "n" and k not in used:
                            prev = sentence[toks[k - 1][2] : toks[k][2]].lower().split()
                            if _owned(
                                toks, k
                            ):  # "... and two people were injured": that number has its own word
                                break
                            if any(p in _CONJ for p in prev[-2:] if prev):
                                used.add(k)
                                count += toks[k][1]
                                j = k
                        k += 1
                    break
                j += 1
                steps += 1
        if count is not None:
            totals[kind] = (totals[kind] or 0) + count
    if _NOBODY.search(sentence):
        for k in "ki":
            if totals[k] is None and any(kind == k for _, _, kind in kw):
                totals[k] = 0
    return totals["k"], totals["i"]


# ---------------------------------------------------------------------------------------------
# Organiser, target, form
# ---------------------------------------------------------------------------------------------
_ORGANISER_AFTER = re.compile(
    r"\b(?:organi[sz]ed by|called by|convened by|sponsored by|initiated by|registered by|led by|"
    r"at the (?:call|initiative|invitation) of|"
    r"организованн\w*|организова(?:л|ла|ли)|организатор(?:ом|ами)? (?:выступил\w*|стал\w*|был\w*)|"
    r"по (?:призыву|инициативе)|організован\w*|організува(?:в|ла|ли)|організатор(?:ом|ами)? (?:виступил\w*|"
    r"став|стала|стали)|на заклик|з ініціативи|"
    r"organis(?:é|ée|és|ées) par|à l['’](?:appel|initiative) (?:de |du |des |d['’])|"
    r"(?:convoqu|initi)(?:é|ée|és|ées) par|"
    r"organisiert von|veranstaltet von|initiiert von|angemeldet von|(?:aufgerufen|eingeladen) (?:hatte|hatten|hat|"
    r"haben)|(?:auf|nach) (?:einen |dem )?aufruf (?:des|der|von)|(?:mitingi|eylemi|yürüyüşü|gösteriyi|etkinliği) "
    r"düzenleyen)\s*",
    re.IGNORECASE,
)
_ORGANISER_BEFORE = re.compile(
    r"\s*(?:tarafından (?:düzenlenen|organize edilen|gerçekleştirilen)|['’](?:in|ın|un|ün|nin|nın|nun|nün) "
    r"(?:çağrısıyla|öncülüğünde|düzenlediği|organize ettiği)|(?:(?<=\w) düzenlediği)|"
    r"tərəfindən təşkil edilən)",
    re.IGNORECASE,
)
_TARGET = re.compile(
    r"\b(?:in front of|outside|opposite|near|at|to) (?:the )?"
    r"(?P<en>(?:[\w'’.-]+ ){0,4}?(?:embassy|consulate|parliament|office|offices|headquarters|ministry|"
    r"city hall|town hall|mission|representation|chancellery|white house|bundestag|kremlin|"
    r"consulate-general|parliament building)(?: (?:of|in) (?:the )?[\w'’-]+(?: [\w'’-]+)?)?)|"
    r"\b(?:у|возле|перед|около|к|біля|до|під) (?:здани\w* |будівл\w* )?"
    r"(?P<ru>(?:[\w'’-]+ ){0,3}?(?:посольств\w*|консульств\w*|генконсульств\w*|представительств\w*|"
    r"представництв\w*|парламент\w*|мэри\w*|министерств\w*|міністерств\w*|офис\w*|офіс\w*)(?: [\w'’-]+){0,2})|"
    r"(?P<tr>(?:[\w'’-]+ ){0,3}?(?:büyükelçiliği|başkonsolosluğu|konsolosluğu|meclisi|binası|ofisi|"
    r"temsilciliği|valiliği)(?:'n[iı]n|nin|nın)?)\s*(?:önünde|önüne|yakınında|karşısında)|"
    r"\b(?:devant|près de|face à|aux abords de) (?:l['’]|la |le |les )?"
    r"(?P<fr>(?:[\w'’-]+ ){0,2}?(?:ambassade|consulat|parlement|mairie|ministère|bureau|siège|hôtel de ville|"
    r"représentation|préfecture)(?: (?:de|du|des|d['’]|de la) ?[\w'’-]+(?: [\w'’-]+)?)?)|"
    r"\b(?:vor|an|bei|neben) (?:der|dem|den) "
    r"(?P<de>(?:[\w'’-]+ ){0,2}?[\w-]*(?:botschaft|konsulat|parlament|rathaus|ministerium|büro|vertretung|"
    r"bundestag|kanzleramt)\w*(?: (?:der|des|von) [\w'’-]+(?: [\w'’-]+)?)?)",
    re.IGNORECASE,
)
_FORM_EXTRA = (
    ("car march", re.compile(r"\b(?:автопробіг|korso|gedenkfahrt|autokorso|cortège automobile)\w*", re.I)),
    ("vigil", re.compile(r"\b(?:veillée|minute of silence|минут\w* молчания|saygı duruş)\w*", re.I)),
    ("march", re.compile(r"\b(?:ход[аи]|марш\w*|cortège\w*|défil\w*|yürü\w*)", re.I)),
    ("picket", re.compile(r"\b(?:пикет|пікет|picket)\w*", re.I)),
    ("sit-in", re.compile(r"\b(?:sit-in|oturma eylem|sitzblockade)\w*", re.I)),
    ("rally", re.compile(r"\b(?:мітинг|акци|акці|eylem|gösteri|mitinq|aksiya)\w*", re.I)),
)


def protest_form_of(sentence: str, trigger: str) -> str | None:
    """The protest form, specific forms (car march, bike ride) first, then the trigger word's own."""
    whole = protest_form(sentence)
    if whole in ("car_march", "bike_ride"):
        return whole.replace("_", " ")
    for name, pat in _FORM_EXTRA[:1]:
        if pat.search(sentence):
            return name
    own = protest_form(trigger)
    if own:
        return own.replace("_", " ")
    for name, pat in _FORM_EXTRA:
        if pat.search(trigger):
            return name
    if whole:
        return whole.replace("_", " ")
    for name, pat in _FORM_EXTRA:
        if pat.search(sentence):
            return name
    return None


def _span_text(text: str, s: int, e: int) -> dict[str, Any]:
    return {"start": s, "end": e, "text": text[s:e]}


_ORGANISER_CUES = re.compile(
    r"\b(?:düzenleyen|organi[sz]ed|called|convened|sponsored|initiated|registered|led|at the|организ\w*|по|організ\w*|"
    r"на|з|tarafından|çağrısıyla|öncülüğünde|düzenlediği|organize|organis\w*|à|convoqu\w*|initi\w*|"
    r"veranstaltet|angemeldet|aufgerufen|eingeladen|auf|nach|tərəfindən)\b",
    re.IGNORECASE,
)
_TARGET_CUES = re.compile(
    r"\b(?:embass\w*|consulat\w*|parliament\w*|office\w*|headquarters|ministry|city hall|town hall|mission|"
    r"representation|chancellery|white house|bundestag|kremlin|посольств\w*|консульств\w*|генконсульств\w*|"
    r"представительств\w*|представництв\w*|парламент\w*|мэри\w*|министерств\w*|міністерств\w*|офис\w*|"
    r"офіс\w*|büyükelçili\w*|başkonsoloslu\w*|konsoloslu\w*|meclis\w*|bina\w*|ofis\w*|temsilcili\w*|"
    r"valili\w*|ambassade|parlement|mairie|ministère|bureau|siège|hôtel de ville|représentation|préfecture|"
    r"botschaft|konsulat|generalkonsulat|rathaus|ministerium|büro|vertretung|kanzleramt)",
    re.IGNORECASE,
)


def _organiser(prep: Prep, lo: int, hi: int, actors: list[dict]) -> dict[str, Any] | None:
    """Who organised the event, from "organised by X", "à l'appel de X", "X tarafından düzenlenen"."""
    if not _hits(_ORGANISER_CUES, prep, lo, hi):
        return None
    text = prep[0]
    m = _ORGANISER_AFTER.search(text, lo, hi)
    if m:
        after = m.end()
        for a in actors:
            if after <= a["start"] <= after + 12 and a["end"] <= hi:
                return _span_text(text, a["start"], a["end"])
        stop = re.compile(
            r"[,;:.!?()«»\"“”]| (?:to|for|in|on|at|und|pour|à|в|на|для|für|im|am|zu|zum) ", re.I
        )
        e = stop.search(text, after, hi)
        end = e.start() if e else hi
        words = text[after:end].split()
        if words:
            end = after + len(" ".join(words[:10])) + (len(text[after:end]) - len(text[after:end].lstrip()))
            return _span_text(text, after, min(end, hi))
    m = _ORGANISER_BEFORE.search(text, lo, hi)
    if m:
        for a in actors:
            if lo <= a["start"] and m.start() - 3 <= a["end"] <= m.start() + 1:
                return _span_text(text, a["start"], a["end"])
        b = m.start()
        w = list(re.finditer(r"[\w'’-]+", text[lo:b]))
        caps = []
        for t in reversed(w):
            if t.group()[0].isupper() and len(caps) < 6:
                caps.append(t)
            else:
                break
        if caps:
            return _span_text(text, lo + caps[-1].start(), lo + caps[0].end())
    return None


def _target(prep: Prep, lo: int, hi: int) -> str | None:
    """What the event was held at or aimed at: "the embassy of X", "the UN office"."""
    cue = _hits(_TARGET_CUES, prep, lo, hi)
    if not cue:
        return None
    m = _TARGET.search(prep[0], max(lo, cue[0][1] - 80), hi)
    if not m:
        return None
    for g in ("en", "ru", "tr", "fr", "de"):
        if m.group(g):
            return re.sub(r"(?:\s+\w{1,2})+$", "", m.group(g).strip())
    return None


# ---------------------------------------------------------------------------------------------
# The annotator
# ---------------------------------------------------------------------------------------------
_PEOPLE_UNIT = re.compile(
    r"^(?:people|persons?|protesters|participants|demonstrators|marchers|supporters|activists|mourners|"
    r"members|attendees|individuals|residents|citizens|students|workers|women|men|"
    r"человек|люд\w*|участник\w*|демонстрант\w*|протестующ\w*|активист\w*|людин\w*|учасник\w*|"
    r"протестувальник\w*|kişi\w*|katılımcı\w*|gösterici\w*|eylemci\w*|insan\w*|nəfər|"
    r"personnes?|manifestants?|participants?|militants?|menschen|personen|teilnehm\w*|demonstrant\w*|"
    r"protestierende\w*|person)$",
    re.IGNORECASE,
)
_VEHICLE_UNIT = re.compile(
    r"^(?:cars?|vehicles?|автомобил\w*|машин\w*|автівок|araç\w*|araba\w*|voitures?|véhicules?|autos?|"
    r"fahrzeuge?)$",
    re.IGNORECASE,
)
_LIST_SEP = re.compile(
    r"^(?:\s*,\s*|\s*,?\s+(?:and|und|et|и|і|та|й|ve|ile|or|oder|ou|или|або|as well as|sowie|ainsi que)\s+)"
    r"(?:(?:the|la|le|les|l['’]|die|den|der)\s+)?$",
    re.IGNORECASE,
)
_PLURAL_PROTEST = re.compile(
    r"\b(?:rallies|protests|demonstrations|vigils|marches|митинги|акции|пикеты|мітинги|акції|mitingler\w*|"
    r"eylemler\w*|gösteriler\w*|manifestations|rassemblements|kundgebungen|demonstrationen|demos|"
    r"mahnwachen|cities|städten|villes|городах|містах|kentler\w*|şehirler\w*)\b",
    re.IGNORECASE,
)


def _is_country(p: dict) -> bool:
    kind = p.get("kind") or p.get("type") or p.get("feature")
    if kind:
        return str(kind).lower() == "country"
    return p.get("lat") is None


def _choose_places(
    text: str, items: list[dict], spans: list, plural: bool, actors: list[dict], para_start: int
) -> list[dict]:
    """Places for the events of one sentence: several when they are listed, else the best one.

    Places inside an actor's name ("Cultural Association of Germany") are not where it happened;
    a dateline ("MOSCOW, July 27 (Wire) - ... in St Petersburg") gives way to a place in the text;
    places in referenced clauses ("victims of the shelling of Torvel") count only when alone.
    """
    items = [p for p in items if not any(a["start"] <= p["start"] and p["end"] <= a["end"] for a in actors)]
    if (
        len(items) > 1
        and items[0]["start"] - para_start <= 2
        and _DATELINE.match(text, items[0]["end"])
        and any(not _is_country(p) and not _in_spans(p["start"], spans) for p in items[1:])
    ):
        items = items[1:]
    if not items:
        return []
    live = [p for p in items if not _in_spans(p["start"], spans)]
    if not live:
        return []
    # drop countries that only qualify a city of the same country ("in Paris, France")
    cities = [p for p in live if not _is_country(p)]
    city_cc = {p.get("country") for p in cities}
    live = [p for p in live if not (_is_country(p) and p.get("country") in city_cc)]
    # listed places: consecutive, separated by commas / "and"
    groups: list[list[dict]] = [[live[0]]]
    for p in live[1:]:
        gap = text[groups[-1][-1]["end"] : p["start"]]
        if _LIST_SEP.match(gap):
            groups[-1].append(p)
        else:
            groups.append([p])
    best = max(groups, key=len)
    if len(best) >= 2 and (plural or len(best) >= 3 or all(_is_country(p) for p in best)):
        seen, out = set(), []
        for p in best:
            key = (p.get("name"), p.get("country"))
            if key not in seen:
                seen.add(key)
                out.append(p)
        return out
    for p in live:
        if not _is_country(p):
            return [p]
    return [live[0]]


_DATELINE = re.compile(r"\s*(?:,|–|—|-|\(|\.)")


def _within(items: list[dict], lo: int, hi: int) -> list[dict]:
    """The items lying in [lo, hi], in their list order.

    Looked up in an index of starts: scanning every item of the document for every sentence
    made long documents quadratic.
    """
    if len(items) < 64:
        return [it for it in items if lo <= it.get("start", -1) and it.get("end", hi + 1) <= hi]
    starts, order = _start_index(items)
    picked = sorted(order[bisect.bisect_left(starts, lo) : bisect.bisect_right(starts, hi)])
    return [items[i] for i in picked if items[i].get("end", hi + 1) <= hi]


_INDEXES: dict[int, tuple[list[dict], int, list[int], list[int]]] = {}


def _start_index(items: list[dict]) -> tuple[list[int], list[int]]:
    """Sorted starts of ``items`` and the list positions they belong to (cached per list)."""
    hit = _INDEXES.get(id(items))
    if hit is not None and hit[0] is items and hit[1] == len(items):
        return hit[2], hit[3]
    order = sorted(
        (i for i, it in enumerate(items) if it.get("start", -1) >= 0), key=lambda i: items[i]["start"]
    )
    starts = [items[i]["start"] for i in order]
    if len(_INDEXES) >= 8:  # the lists of the document being analysed; older ones are let go
        try:
            _INDEXES.pop(next(iter(_INDEXES)))
        except (KeyError, RuntimeError, StopIteration):  # another thread got there first
            pass
    _INDEXES[id(items)] = (items, len(items), starts, order)
    return starts, order


def _pick_date(dates: list[dict], sent: tuple[int, int], para: tuple[int, int], spans: list) -> dict | None:
    """The date in the sentence (outside referenced clauses), else the last earlier one in the paragraph."""
    lo, hi = sent
    inside = [d for d in _within(dates, lo, hi) if d.get("date")]
    live = [d for d in inside if not _in_spans(d["start"], spans)]
    if live:
        return live[0]
    earlier = [d for d in dates if d.get("date") and para[0] <= d["start"] and d["end"] <= lo]
    if earlier:
        return earlier[-1]
    return None


def _participants(prep: Prep, qty: list[dict], lo: int, hi: int, spans: list) -> tuple[dict | None, Any]:
    """Who took part ({"low", "high", "text"}) from people-like quantities, and vehicles if counted.

    Counts of casualties ("two people were injured", "killing at least two people") and of
    detainees or police ("police detained 14 people", "850 officers") are not participants.
    """
    text = prep[0]
    people, vehicles = [], None
    for q in _within(qty, lo, hi):
        unit = str(q.get("unit") or "").strip()
        if _VEHICLE_UNIT.match(unit):
            vehicles = vehicles if vehicles is not None else q.get("value")
            continue
        if not (
            q.get("category") == "person"
            or _PEOPLE_UNIT.match(unit)
            or _PEOPLE_UNIT.match(unit.split(" ")[0])
        ):
            continue
        s, e = q["start"], q["end"]
        if _in_spans(s, spans):
            continue  # "photographs of the three people killed in ..."
        near = (max(lo, s - 30), s), (e, min(hi, e + 45))
        if any(_hits(_KILLED, prep, a, b) or _hits(_INJURED, prep, a, b) for a, b in near):
            continue
        if any(_ARREST_NEAR.search(text, a, b) for a, b in near):
            continue
        people.append(q)
    if not people:
        return None, vehicles
    q = people[0]
    value, qual = q.get("value"), q.get("qualifier")
    low = q.get("low") if q.get("low") is not None else (value if qual in (None, "exact", "about") else None)
    high = (
        q.get("high") if q.get("high") is not None else (value if qual in (None, "exact", "about") else None)
    )
    return {"low": low, "high": high, "text": q.get("text", text[q["start"] : q["end"]])}, vehicles


_ARREST_NEAR = re.compile(
    r"\b(?:arrest\w*|detain\w*|задерж\w*|затрим\w*|gözaltı\w*|tutuklan\w*|interpell\w*|festgenommen|"
    r"festnahme\w*|gewahrsam|officers|polic\w*|полицейск\w*|polis\b|policiers|beamte)",
    re.IGNORECASE,
)


def annotate(doc: AnalysisDoc) -> list[dict[str, Any]]:
    """Event records for the sentences that report one (see the module docstring for the rules)."""
    text = doc.text or ""
    if not text.strip():
        return []
    prep = _prepare(text)
    langs = {doc.language} | {p.get("language") for p in doc.layers.get("paragraph_languages") or []}
    trig = _triggers(prep, inner=bool(langs & {None, "de"}), language=doc.language)
    if not trig:
        return []
    sentences = doc.sentences
    starts = [s.start for s in sentences]
    by_sentence: dict[int, list[tuple[str, int, int]]] = {}
    for t in trig:
        i = bisect.bisect_right(starts, t[1]) - 1
        if i >= 0 and t[1] < sentences[i].end:
            by_sentence.setdefault(i, []).append(t)
    ctx = _Context(
        doc=doc,
        prep=prep,
        places=_sorted_items(doc.layers.get("places")),
        dates=_sorted_items(doc.layers.get("dates")),
        quantities=_sorted_items(doc.layers.get("quantities")),
        actors=_sorted_items(doc.layers.get("actors")),
        pstarts=[p.start for p in doc.paragraphs],
    )
    out: list[dict[str, Any]] = []
    for i in sorted(by_sentence):
        lo, hi = sentences[i]
        try:
            out.extend(_events_of_sentence(ctx, lo, hi, by_sentence[i]))
        except Exception:  # noqa: BLE001 - one odd sentence must not sink the document
            continue
    return out


@dataclass
class _Context:
    doc: AnalysisDoc
    prep: Prep
    places: list[dict]
    dates: list[dict]
    quantities: list[dict]
    actors: list[dict]
    pstarts: list[int]


def _sorted_items(items: Any) -> list[dict]:
    """Layer items with usable offsets, by position (layers written by others may be odd)."""
    good = [
        it
        for it in items or []
        if isinstance(it, dict) and isinstance(it.get("start"), int) and isinstance(it.get("end"), int)
    ]
    return sorted(good, key=lambda x: x["start"])


def _events_of_sentence(
    ctx: _Context, lo: int, hi: int, trig: list[tuple[str, int, int]]
) -> list[dict[str, Any]]:
    doc, prep = ctx.doc, ctx.prep
    text = doc.text
    sentence = text[lo:hi]
    if sentence.rstrip("\"'»”’)").endswith("?"):
        return []  # a question reports nothing
    lang = doc.language_at(lo)
    here = _within(ctx.places, lo, hi)
    anchored = bool(here) or bool(_within(ctx.dates, lo, hi))
    (etype, subtype), main, spans = _decide(prep, lo, hi, trig, lang, anchored)
    if main is None or etype == "Other" or _in_spans(main[1], spans):
        return []  # nothing, or only earlier events the sentence refers to ("in memory of the victims of")
    killed, injured = casualties(sentence, lang, [(a - lo, b - lo) for a, b in spans])
    protest_like = etype in ("Protests", "Riots")
    form = None
    if protest_like:
        pt = next((t for t in trig if t[0] == "PROTEST"), main)
        form = protest_form_of(sentence, text[pt[1] : pt[2]])
    pi = bisect.bisect_right(ctx.pstarts, lo) - 1
    para = (doc.paragraphs[pi].start, doc.paragraphs[pi].end) if pi >= 0 else (lo, hi)
    d = _pick_date(ctx.dates, (lo, hi), para, spans)
    sent_actors = _within(ctx.actors, lo, hi)
    participants, vehicles = (
        _participants(prep, ctx.quantities, lo, hi, spans) if protest_like else (None, None)
    )
    base: dict[str, Any] = {
        "type": etype,
        "subtype": subtype,
        "form": form,
        "date": d.get("date") if d else None,
        "place": None,
        "participants": participants,
        "killed": killed,
        "injured": injured,
        "actors": [{"text": text[a["start"] : a["end"]], "kind": a.get("kind")} for a in sent_actors],
        "evidence": _span_text(text, lo, hi),
        "trigger": _span_text(text, main[1], main[2]),
        "language": lang,
    }
    if d:
        base["date_text"] = d.get("text")
    if vehicles:
        base["vehicles"] = vehicles
    if protest_like or etype == "Information activity":
        org = _organiser(prep, lo, hi, sent_actors)
        if org:
            base["organiser"] = org["text"]
    if protest_like or etype in ("Explosions/Remote violence", "Strategic developments"):
        tgt = _target(prep, lo, hi)
        if tgt:
            base["target"] = tgt
    plural = len(here) > 1 and bool(_PLURAL_PROTEST.search(sentence))
    chosen = _choose_places(text, here, spans, plural, sent_actors, para[0])
    if not chosen:
        return [base]
    events = []
    for n, p in enumerate(chosen):
        ev = dict(base)
        ev["place"] = {"name": p.get("name"), "country": p.get("country"), "continent": p.get("continent")}
        if len(chosen) > 1:
            # one sentence, several places: counts were reported once for all of them; keep the
            # casualties on the first event only and leave per-place participants unknown
            ev["participants"] = None
            ev["participants_total"] = participants
            if n:
                ev["killed"] = ev["injured"] = None
        events.append(ev)
    return events
