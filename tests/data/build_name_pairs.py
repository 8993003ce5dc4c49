"""Build the labelled name-pair set ``tests/data/name_pairs.csv`` (deterministic, seed 9303).

    /work/venv/bin/python tests/data/build_name_pairs.py

Each row is a declared full name against a document's surname and given names, with the kind
of variant and the expected level: MATCH for true variants of the same person, NO_MATCH for
hard negatives (same surname and a different person, siblings, common names, a different
surname), PARTIAL for same-person cases a reviewer should see (first name only as an
initial, declared middle name the document lacks) and for given names swapped between two
people (Anna Maria and Maria Anna). The document strings are written the way documents print
them: MRZ spelling (ICAO 9303, upper case, no diacritics) or the visual zone's spelling.

The generator is independent of the matcher: it imports nothing from idverify, and the
transliterations of the non-Latin names are written out by hand from ICAO 9303 Table B.
"""

from __future__ import annotations

import csv
import random
import unicodedata
from pathlib import Path

OUT = Path(__file__).with_name("name_pairs.csv")
SEED = 9303

# (given names, surnames) of plain Latin spelling; gender matters for siblings only.
MALE = """James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel
Matthew Anthony Mark Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward
Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin
Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry Tyler Aaron Henry Peter Oliver
Lucas Martin Stefan Thomas Pierre Louis Antoine Marco Luca Giovanni Pablo Javier Carlos Miguel
Mateo Tobias Florian Sebastian Felix Jonas Nikolai Viktor Adrian Gabriel""".split()
FEMALE = """Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy
Betty Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie
Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen
Samantha Katherine Christine Rachel Catherine Maria Heather Diane Julie Victoria Sophie Claire
Camille Chiara Giulia Lucia Carmen Isabel Elena Paula Marta Lena Hannah Julia Clara Ingrid
Astrid Natalia Ewa Agnieszka""".split()
SURNAMES = """Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore
Jackson Martin Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott
Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans
Edwards Collins Stewart Morris Rogers Reed Cook Morgan Bell Murphy Bailey Cooper Richardson Cox
Howard Ward Peterson Gray James Watson Brooks Kelly Sanders Price Bennett Wood Barnes Ross
Henderson Coleman Jenkins Perry Powell Long Patterson Hughes Flores Washington Butler Simmons
Foster Gonzales Bryant Alexander Russell Griffin Hayes Schmidt Schneider Fischer Weber Wagner
Becker Hoffmann Koch Richter Klein Wolf Neumann Schwarz Zimmermann Braun Hartmann Lange Werner
Krause Lehmann Kaiser Fuchs Peters Lang Dubois Lefebvre Moreau Laurent Simon Michel Garcia
Martinez Rodriguez Lopez Hernandez Gonzalez Perez Sanchez Ramirez Torres Rossi Russo Ferrari
Esposito Bianchi Romano Colombo Ricci Marino Greco Kowalski Nowak Wisniewski Novak Horvat
Jansen Visser Bakker Nielsen Hansen Larsen Andersen Johansson Karlsson Virtanen""".split()

# Names with diacritics: (as written, MRZ spelling by ICAO 9303, spelling with marks dropped).
DIACRITIC_SURNAMES = [
    ("Müller", "MUELLER", "MULLER"), ("Schröder", "SCHROEDER", "SCHRODER"),
    ("Köhler", "KOEHLER", "KOHLER"), ("Groß", "GROSS", "GROSS"), ("Jørgensen", "JOERGENSEN", "JORGENSEN"),
    ("Ångström", "AANGSTROEM", "ANGSTROM"), ("Sæther", "SAETHER", "SAETHER"), ("Núñez", "NUNEZ", "NUNEZ"),
    ("Peña", "PENA", "PENA"), ("Muñoz", "MUNOZ", "MUNOZ"), ("Gonçalves", "GONCALVES", "GONCALVES"),
    ("Łukaszewicz", "LUKASZEWICZ", "LUKASZEWICZ"), ("Dvořák", "DVORAK", "DVORAK"),
    ("Nováková", "NOVAKOVA", "NOVAKOVA"), ("Öztürk", "OEZTUERK", "OZTURK"), ("Yılmaz", "YILMAZ", "YILMAZ"),
    ("Çelik", "CELIK", "CELIK"), ("Şahin", "SAHIN", "SAHIN"), ("Björklund", "BJOERKLUND", "BJORKLUND"),
    ("Hämäläinen", "HAEMAELAEINEN", "HAMALAINEN"), ("Weiß", "WEISS", "WEISS"), ("Fäßler", "FAESSLER", "FASSLER"),
    ("Þórsdóttir", "THORSDOTTIR", "THORSDOTTIR"), ("Lefèvre", "LEFEVRE", "LEFEVRE"), ("Françoise", "FRANCOISE", "FRANCOISE"),
    ("Nguyễn", "NGUYEN", "NGUYEN"), ("Østergaard", "OESTERGAARD", "OSTERGAARD"), ("Krüger", "KRUEGER", "KRUGER"),
]  # fmt: skip
DIACRITIC_GIVEN = [
    ("Jürgen", "JUERGEN", "JURGEN"), ("Jörg", "JOERG", "JORG"), ("Björn", "BJOERN", "BJORN"),
    ("Søren", "SOEREN", "SOREN"), ("Åsa", "AASA", "ASA"), ("José", "JOSE", "JOSE"), ("Iñaki", "INAKI", "INAKI"),
    ("Zoë", "ZOE", "ZOE"), ("Łukasz", "LUKASZ", "LUKASZ"), ("Jiří", "JIRI", "JIRI"), ("Gökhan", "GOEKHAN", "GOKHAN"),
    ("Ömer", "OEMER", "OMER"), ("Øystein", "OEYSTEIN", "OYSTEIN"), ("Hélène", "HELENE", "HELENE"),
    ("François", "FRANCOIS", "FRANCOIS"), ("Anaïs", "ANAIS", "ANAIS"), ("Chloé", "CHLOE", "CHLOE"),
    ("Małgorzata", "MALGORZATA", "MALGORZATA"), ("Dörte", "DOERTE", "DORTE"), ("Jürgen", "JUERGEN", "JURGEN"),
]  # fmt: skip
# Cyrillic names and their ICAO 9303 Table B spelling (Russian passports since 2013), with the
# older spelling many users still type.
CYRILLIC_GIVEN = [
    ("Юлия", "IULIIA", "Yuliya"), ("Александр", "ALEKSANDR", "Aleksandr"), ("Сергей", "SERGEI", "Sergey"),
    ("Наталья", "NATALIA", "Natalya"), ("Дмитрий", "DMITRII", "Dmitriy"), ("Евгений", "EVGENII", "Evgeniy"),
    ("Ксения", "KSENIIA", "Kseniya"), ("Андрей", "ANDREI", "Andrey"), ("Татьяна", "TATIANA", "Tatyana"),
    ("Юрий", "IURII", "Yuriy"), ("Ольга", "OLGA", "Olga"), ("Алексей", "ALEKSEI", "Aleksey"),
]  # fmt: skip
CYRILLIC_SURNAMES = [
    ("Иванов", "IVANOV", "Ivanov"), ("Смирнова", "SMIRNOVA", "Smirnova"), ("Кузнецов", "KUZNETSOV", "Kuznetsov"),
    ("Соколов", "SOKOLOV", "Sokolov"), ("Лебедева", "LEBEDEVA", "Lebedeva"), ("Жуков", "ZHUKOV", "Zhukov"),
    ("Шевченко", "SHEVCHENKO", "Shevchenko"), ("Чернова", "CHERNOVA", "Chernova"), ("Яковлев", "IAKOVLEV", "Yakovlev"),
    ("Хабибуллин", "KHABIBULLIN", "Khabibullin"), ("Цветкова", "TSVETKOVA", "Tsvetkova"), ("Щукина", "SHCHUKINA", "Shchukina"),
]  # fmt: skip
# Chinese names: (characters, surname in pinyin, given name in pinyin as on the passport).
CHINESE = [
    ("张伟", "ZHANG", "WEI"), ("王芳", "WANG", "FANG"), ("李娜", "LI", "NA"), ("刘洋", "LIU", "YANG"),
    ("陈静", "CHEN", "JING"), ("杨磊", "YANG", "LEI"), ("黄小明", "HUANG", "XIAOMING"), ("赵丽娟", "ZHAO", "LIJUAN"),
    ("周杰", "ZHOU", "JIE"), ("吴晓东", "WU", "XIAODONG"), ("孙丽", "SUN", "LI"), ("马建国", "MA", "JIANGUO"),
]  # fmt: skip
PARTICLE_SURNAMES = [
    ("de la Cruz", "DE LA CRUZ", "DELACRUZ", "Cruz"), ("van der Berg", "VAN DER BERG", "VANDERBERG", "Berg"),
    ("van den Heuvel", "VAN DEN HEUVEL", "VANDENHEUVEL", "Heuvel"), ("de Souza", "DE SOUZA", "DESOUZA", "Souza"),
    ("von Weizsäcker", "VON WEIZSAECKER", "VONWEIZSAECKER", "Weizsäcker"), ("da Silva", "DA SILVA", "DASILVA", "Silva"),
    ("del Río", "DEL RIO", "DELRIO", "Río"), ("di Stefano", "DI STEFANO", "DISTEFANO", "Stefano"),
    ("van Dijk", "VAN DIJK", "VANDIJK", "Dijk"), ("dos Santos", "DOS SANTOS", "DOSSANTOS", "Santos"),
    ("le Blanc", "LE BLANC", "LEBLANC", "Blanc"), ("de los Santos", "DE LOS SANTOS", "DELOSSANTOS", "Santos"),
]  # fmt: skip
DOUBLE_SURNAMES = [("Garcia", "Lopez"), ("Fernandez", "Ruiz"), ("Martin", "Gomez"), ("Sanchez", "Diaz"),
                   ("Pereira", "Costa"), ("Rodriguez", "Moreno"), ("Jimenez", "Alvarez"), ("Romero", "Navarro")]
APOSTROPHE_SURNAMES = [("O'Brien", "OBRIEN"), ("O'Connor", "OCONNOR"), ("D'Angelo", "DANGELO"),
                       ("O'Neill", "ONEILL"), ("D'Souza", "DSOUZA"), ("N'Diaye", "NDIAYE"), ("L'Écuyer", "LECUYER")]
COMPOUND_GIVEN = [("Jean-Pierre", "JEAN PIERRE", "JEANPIERRE"), ("Marie-Claire", "MARIE CLAIRE", "MARIECLAIRE"),
                  ("Hans-Peter", "HANS PETER", "HANSPETER"), ("Anne-Sophie", "ANNE SOPHIE", "ANNESOPHIE"),
                  ("Jean-Luc", "JEAN LUC", "JEANLUC"), ("Karl-Heinz", "KARL HEINZ", "KARLHEINZ"),
                  ("Marie-Louise", "MARIE LOUISE", "MARIELOUISE"), ("Jan-Erik", "JAN ERIK", "JANERIK")]
# (document name, declared nickname or short form).
NICKNAMES = [("Robert", "Bob"), ("Robert", "Rob"), ("William", "Bill"), ("William", "Will"), ("Richard", "Rick"),
             ("Richard", "Dick"), ("James", "Jim"), ("James", "Jimmy"), ("Margaret", "Peggy"), ("Margaret", "Maggie"),
             ("Elizabeth", "Liz"), ("Elizabeth", "Betty"), ("Elizabeth", "Beth"), ("Katherine", "Kate"),
             ("Katherine", "Kathy"), ("Michael", "Mike"), ("Thomas", "Tom"), ("Joseph", "Joe"), ("Anthony", "Tony"),
             ("Christopher", "Chris"), ("Daniel", "Dan"), ("Matthew", "Matt"), ("Nicholas", "Nick"),
             ("Alexander", "Alex"), ("Alexander", "Sasha"), ("Patricia", "Patty"), ("Jennifer", "Jenny"),
             ("Samuel", "Sam"), ("Benjamin", "Ben"), ("Edward", "Ted"), ("Edward", "Eddie"), ("Charles", "Chuck"),
             ("Deborah", "Debbie"), ("Rebecca", "Becky"), ("Susan", "Sue"), ("Jose", "Pepe"), ("Francisco", "Paco"),
             ("Johannes", "Hans"), ("Aleksandra", "Sasha"), ("Dmitrii", "Dima"), ("Ekaterina", "Katya"),
             ("Natalia", "Natasha"), ("Giuseppe", "Beppe"), ("Manuel", "Manolo"), ("Dolores", "Lola")]  # fmt: skip
# Different given names that siblings or namesakes carry: gendered pairs and near spellings.
CLOSE_DIFFERENT = [("Daniel", "Daniela"), ("Paul", "Paula"), ("Alexander", "Alexandra"), ("Christian", "Christiane"),
                   ("Mario", "Maria"), ("Jan", "Jana"), ("Carl", "Carla"), ("Antonio", "Antonia"),
                   ("Michael", "Michaela"), ("Robert", "Roberta"), ("Martin", "Martina"), ("Simon", "Simone"),
                   ("Patrick", "Patricia"), ("Adrian", "Adriana"), ("Gabriel", "Gabriela"), ("Maria", "Marta"),
                   ("Lena", "Lina"), ("Jana", "Jane"), ("Ivan", "Ivana"), ("Marina", "Martina"), ("Erik", "Erika"),
                   ("Emil", "Emilia"), ("Milan", "Milena"), ("Leon", "Leonie"), ("Mila", "Milan")]  # fmt: skip
# Anna/Anne, Julia/Julie, Sara/Sarah and Karin/Karen are left out: the nicknames data (rightly)
# treats them as spellings of one name, so a pair of them is not a safe negative.
# MRZ OCR confusions: letter -> what OCR may read.
OCR_SLIPS = {"O": "0", "I": "1", "S": "5", "B": "8", "Z": "2", "G": "6", "M": "RN", "W": "VV", "D": "0"}


def _strip(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _mrz(text: str) -> str:
    return _strip(text).upper().replace("-", " ").replace("'", "")


class Builder:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.rows: list[dict[str, str]] = []
        self.seen: set[tuple[str, str, str, str]] = set()

    def add(self, kind: str, declared: str, surname: str, given: str, expected: str, truncated: bool = False) -> None:
        key = (declared, surname, given, str(truncated))
        if key in self.seen:
            return
        self.seen.add(key)
        self.rows.append(
            {"kind": kind, "declared": declared, "surname": surname, "given_names": given,
             "truncated": "1" if truncated else "0", "expected": expected}
        )  # fmt: skip

    def given(self) -> str:
        return self.rng.choice(self.rng.choice((MALE, FEMALE)))

    def declared(self, given: list[str], surname: str) -> str:
        """Write a name the way users type it: given first, family first, or 'FAMILY, Given'."""
        style = self.rng.random()
        if style < 0.6:
            text = " ".join([*given, surname])
        elif style < 0.85:
            text = " ".join([surname, *given])
        else:
            text = f"{surname}, {' '.join(given)}"
        case = self.rng.random()
        return text.upper() if case < 0.15 else text.lower() if case < 0.25 else text

    def build(self) -> None:
        r = self.rng
        for _ in range(45):  # exact, in any order and case
            g, s = self.given(), r.choice(SURNAMES)
            self.add("exact", self.declared([g], s), s.upper(), g.upper(), "MATCH")
        for _ in range(45):  # diacritics: declared with marks against MRZ or stripped spellings
            s, s_icao, s_plain = r.choice(DIACRITIC_SURNAMES)
            g, g_icao, g_plain = r.choice(DIACRITIC_GIVEN)
            doc_s, doc_g = r.choice([(s_icao, g_icao), (s_plain, g_plain), (s.upper(), g.upper())])
            if r.random() < 0.3:  # the user typed without the marks, the document has them
                self.add("diacritics", self.declared([g_plain.title()], s_plain.title()), s.upper(), g.upper(), "MATCH")
            else:
                self.add("diacritics", self.declared([g], s), doc_s, doc_g, "MATCH")
        for _ in range(40):  # transliteration: Cyrillic or older romanisation against ICAO spelling
            g, g_icao, g_old = r.choice(CYRILLIC_GIVEN)
            s, s_icao, s_old = r.choice(CYRILLIC_SURNAMES)
            if r.random() < 0.5:
                self.add("transliteration", self.declared([g], s), s_icao, g_icao, "MATCH")
            else:
                self.add("transliteration", self.declared([g_old], s_old), s_icao, g_icao, "MATCH")
        for chars, s, g in CHINESE:
            self.add("transliteration", chars, s, g, "MATCH")
            self.add("transliteration", f"{g.title()} {s.title()}", s, g, "MATCH")
        for _ in range(45):  # middle names: omitted or written as an initial
            g1, g2, s = self.given(), self.given(), r.choice(SURNAMES)
            if g1 == g2:
                continue
            if r.random() < 0.5:
                self.add("middle_name", self.declared([g1], s), s.upper(), f"{g1} {g2}".upper(), "MATCH")
            else:
                self.add("initial", self.declared([g1, g2[0] + r.choice([".", ""])], s), s.upper(), f"{g1} {g2}".upper(), "MATCH")
        for _ in range(45):  # compound surnames: particles joined, spaced or omitted; double surnames
            g = self.given()
            pick = r.random()
            if pick < 0.6:
                written, spaced, joined, core = r.choice(PARTICLE_SURNAMES)
                declared = self.declared([g], r.choice([written, written.replace(" ", ""), core]))
                self.add("compound", declared, r.choice([_mrz(spaced), joined]), g.upper(), "MATCH")
            else:
                s1, s2 = r.choice(DOUBLE_SURNAMES)
                declared = self.declared([g], r.choice([f"{s1}-{s2}", f"{s1} {s2}", s1]))
                self.add("compound", declared, f"{s1} {s2}".upper(), g.upper(), "MATCH")
        for written, spaced, joined in COMPOUND_GIVEN:  # hyphenated given names
            s = r.choice(SURNAMES)
            self.add("compound", self.declared([written], s), s.upper(), joined, "MATCH")
            self.add("compound", self.declared([written.replace("-", "")], s), s.upper(), spaced, "MATCH")
            self.add("compound", self.declared([written], s), s.upper(), spaced, "MATCH")
        for s, mrz in APOSTROPHE_SURNAMES:
            for _ in range(2):
                g = self.given()
                self.add("punctuation", self.declared([g], s), mrz, g.upper(), "MATCH")
        for full, nick in NICKNAMES:  # nicknames and short forms
            s = r.choice(SURNAMES)
            self.add("nickname", self.declared([nick], s), s.upper(), full.upper(), "MATCH")
        for _ in range(45):  # MRZ truncation: a TD1 name field holds 30 characters
            s = "-".join(r.sample(SURNAMES, 2)) if r.random() < 0.5 else r.choice(SURNAMES) + r.choice(SURNAMES).lower()
            given = [self.given() for _ in range(r.randint(2, 3))]
            field = (_mrz(s).replace(" ", "<") + "<<" + "<".join(_mrz(x) for x in given))[:30].rstrip("<")
            if len(field) < 30 or "<<" not in field:
                continue
            doc_s, _, doc_g = field.partition("<<")
            self.add("truncation", self.declared(given, s), doc_s.replace("<", " "), doc_g.replace("<", " "), "MATCH", True)
        for _ in range(45):  # OCR slips in the MRZ name
            g, s = self.given(), r.choice(SURNAMES)
            target = r.choice(["g", "s"])
            word = (g if target == "g" else s).upper()
            spots = [i for i, c in enumerate(word) if c in OCR_SLIPS]
            if not spots:
                continue
            i = r.choice(spots)
            slipped = word[:i] + OCR_SLIPS[word[i]] + word[i + 1 :]
            doc_g, doc_s = (slipped, s.upper()) if target == "g" else (g.upper(), slipped)
            self.add("ocr", self.declared([g], s), doc_s, doc_g, "MATCH")
        for _ in range(45):  # typing slips: one transposition or substitution on a long token
            g, s = self.given(), r.choice(SURNAMES)
            word = s if len(s) >= 6 or r.random() < 0.5 else g
            if len(word) < 5:
                continue
            i = r.randint(1, len(word) - 3)
            if r.random() < 0.5:
                typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            else:
                typo = word[:i] + r.choice("aeiounrst") + word[i + 1 :]
            if typo.lower() == word.lower():
                continue
            declared = self.declared([typo if word == g else g], typo if word == s else s)
            self.add("typo", declared, s.upper(), g.upper(), "MATCH")

        # Same person, but a reviewer should look.
        for _ in range(25):
            g1, g2, s = self.given(), self.given(), r.choice(SURNAMES)
            if g1 == g2:
                continue
            if r.random() < 0.5:
                self.add("first_initial", self.declared([g1[0] + ".", g2], s), s.upper(), f"{g1} {g2}".upper(), "PARTIAL")
            else:
                self.add("declared_middle_missing_on_document", self.declared([g1, g2], s), s.upper(), g1.upper(), "PARTIAL")

        # Hard negatives.
        for _ in range(70):  # same surname, a different person
            g1, g2, s = self.given(), self.given(), r.choice(SURNAMES)
            if g1[0] == g2[0]:
                continue
            self.add("same_surname", self.declared([g1], s), s.upper(), g2.upper(), "NO_MATCH")
        for a, b in CLOSE_DIFFERENT:  # siblings: close or gendered given names, same surname
            s = r.choice(SURNAMES)
            self.add("siblings", self.declared([a], s), s.upper(), b.upper(), "NO_MATCH")
            s = r.choice(SURNAMES)
            self.add("siblings", self.declared([b], s), s.upper(), a.upper(), "NO_MATCH")
        for _ in range(25):  # siblings sharing a middle name
            g1, g2, mid, s = self.given(), self.given(), self.given(), r.choice(SURNAMES)
            if len({g1[0], g2[0], mid[0]}) < 3:
                continue
            self.add("siblings", self.declared([g1, mid], s), s.upper(), f"{g2} {mid}".upper(), "NO_MATCH")
        for _ in range(60):  # common names: same given name, a different (common) surname
            g, s1, s2 = self.given(), r.choice(SURNAMES[:60]), r.choice(SURNAMES[:60])
            if s1 == s2 or s1[:3] == s2[:3]:
                continue
            self.add("common_name", self.declared([g], s1), s2.upper(), g.upper(), "NO_MATCH")
        for _ in range(40):  # unrelated people
            g1, g2, s1, s2 = self.given(), self.given(), r.choice(SURNAMES), r.choice(SURNAMES)
            if g1[0] == g2[0] or s1[:3] == s2[:3]:
                continue
            self.add("different", self.declared([g1], s1), s2.upper(), g2.upper(), "NO_MATCH")
        for _ in range(30):  # given names swapped between two people: Anna Maria and Maria Anna
            g1, g2, s = self.given(), self.given(), r.choice(SURNAMES)
            if g1 == g2:
                continue
            self.add("swapped_given", self.declared([g1, g2], s), s.upper(), f"{g2} {g1}".upper(), "PARTIAL")


def main() -> None:
    builder = Builder()
    builder.build()
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["kind", "declared", "surname", "given_names", "truncated", "expected"])
        writer.writeheader()
        writer.writerows(builder.rows)
    counts: dict[str, int] = {}
    for row in builder.rows:
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    print(f"{len(builder.rows)} pairs written to {OUT}")
    for kind, n in sorted(counts.items()):
        print(f"  {kind:40s} {n}")


if __name__ == "__main__":
    main()
