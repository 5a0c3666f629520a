# Generates rating-corpus.jsonl: replies written for PMC with the label a careful human coder gives.
# Relevance items are 1-15, agreement items 16-30. Kept beside the corpus so it can be extended.
import json, itertools
R, A = "relevance", "agreement"
rows = []
def add(item, reply, outcome, rating=None, note=""):
    rows.append({"item": item, "reply": reply, "outcome": outcome, "rating": rating, "note": note})

# --- plain and leading answers, both item types
for item in (1, 7, 12, 16, 23, 30):
    for d in range(6):
        add(item, str(d), "valid", d, "bare digit")
for item, d in [(2, 4), (19, 1), (25, 5), (9, 0)]:
    add(item, f" {d}\n", "valid", d, "digit with whitespace")
    add(item, f"{d}.", "valid", d, "digit with period")
    add(item, f"**{d}**", "valid", d, "markdown bold digit")
    add(item, f"{d} - because it matters to me", "valid", d, "leading digit then reason")
    add(item, f"{d}/5", "valid", d, "x/5")
    add(item, f"Rating: {d}", "valid", d, "label then digit")
add(3, "4. As a rancher, loyalty to one's country runs deep in my family.", "valid", 4)
add(21, "5 One of the worst things imaginable, animals cannot defend themselves.", "valid", 5)
add(27, "2 — I see the point, but inheritance is a family matter.", "valid", 2)
add(14, "3\n\nChaos makes it hard for a community to function, so it matters somewhat.", "valid", 3)
add(20, '"4"', "valid", 4, "quoted")
add(5, "`2`", "valid", 2, "code span")
add(11, "# 5", "valid", 5, "markdown heading")
add(18, "Answer: 1", "valid", 1)
add(24, "Score = 0", "valid", 0)
add(6, "5 out of 5.", "valid", 5)
add(29, "3 out of 5 - I would follow orders most of the time.", "valid", 3)

# --- out of range
for item, reply in [(1, "7"), (16, "10"), (4, "6 - extremely"), (22, "I'd rate it an 8."), (13, "9/10"), (28, "Rating: 12"),
                    (8, "I would give this a 7 out of 10."), (26, "My answer is: 6"), (10, "**8**"), (17, "-1")]:
    add(item, reply, "out_of_range", None, "number outside 0-5")

# --- explicit statements in longer text
explicit = [
    (2, "Treating people differently is the root of most injustice I have seen in my courtroom. I would rate this a 5.", 5),
    (3, "As a recent immigrant I feel complicated about patriotism, so I'd rate it a 2.", 2),
    (15, "Faith guides everything I do, and I would say 5.", 5),
    (16, "Compassion matters, but so does justice. I'd give it a 3.", 3),
    (17, "My rating: 4. Fair laws are the backbone of a decent state.", 4),
    (19, "Children need boundaries. My answer is 4.", 4),
    (20, "If nobody is harmed, I don't see the problem, so my rating would be 1.", 1),
    (22, "Justice is essential, but not the only thing. I'd go with 3.", 3),
    (24, "Roles should be chosen freely, not assigned by sex. I'd rate it 0.", 0),
    (26, "Self-defence can justify killing, so I'd pick 1.", 1),
    (28, "Teamwork wins games, but individuality wins championships. I'll settle on 2.", 2),
    (30, "In my tradition chastity is sacred. Rating: 5 (strongly agree).", 5),
    (1, "Emotional suffering is often invisible but real. On reflection, I'd rate its relevance as 4.", 4),
    (4, "Authority has to be earned. Respect for it is somewhat relevant, I would say 3.", 3),
    (6, "Caring for the vulnerable is the whole point of my work at the hospice; I'd rate it a solid 5.", 5),
    (9, "Tradition is just peer pressure from dead people. I'd rate it 0.", 0),
    (11, "Cruelty is the one thing I cannot forgive. I give it a 5.", 5),
    (13, "Loyalty? Depends who you're loyal to. I choose 2.", 2),
    (25, "Nature isn't a moral guide. I'd select 1 on this one.", 1),
    (27, "It seems unfair, though I understand why parents want to help their children. I'd put it at 3.", 3),
    (21, "Animals feel pain like we do. Without hesitation I'd rate this statement a 5.", 5),
    (18, "My country's history has glorious and shameful chapters. My level of agreement is: 3", 3),
    (23, "Family comes first, always. My level of agreement is:\n\n5\n\nEven when they're wrong, I stand by them.", 5),
    (10, "Disgust is a poor guide to morality. My relevance rating is 1.", 1),
    (12, "Rights are non-negotiable; I would rate it 5/5.", 5),
    (7, "Acting unfairly is central to whether something is wrong. 5 out of 5 for me.", 5),
    (29, "I served twenty years. Orders are orders. I lean towards 4.", 4),
    (5, "Purity is an old-fashioned idea. I'd rate it a 1, maybe.", 1),
    (14, "Disorder is how people get hurt. I'd say it's a 4.", 4),
    (8, "Betraying your own people is about the worst thing you can do in my village. Rating: **5**", 5),
]
for item, reply, d in explicit:
    add(item, reply, "valid", d, "explicit statement")

# --- answers after a restated scale
add(1, "On a scale of 0 to 5, where 0 is not at all relevant and 5 is extremely relevant, I would say 4.", "valid", 4, "restated scale")
add(16, "On a scale from 0-5 I'd give this a 3.", "valid", 3, "restated scale")
add(20, "Using the 0–5 scale: 2.", "valid", 2, "restated scale")
add(7, "Where 0 = not at all relevant and 5 = extremely relevant, my answer is 4.", "valid", 4, "restated anchors")
add(24, "0 = strongly disagree\n1 = moderately disagree\n2 = slightly disagree\n3 = slightly agree\n4 = moderately agree\n5 = strongly agree\n\nMy answer: 1", "valid", 1, "full scale listing")
add(12, "Scale (0-5). Being denied one's rights is extremely relevant to me: 5", "valid", 5, "restated scale")
add(26, "Rating on a 1-5 scale... well, 0-5 here: I'd say 2.", "valid", 2, "restated scale")
add(3, "Given the scale of 0 to 5, I'd rate it 1.", "valid", 1, "restated scale")
add(29, "On a scale of zero to five I would say 3.", "valid", 3, "restated scale words")
add(9, "0 to 5? Then 2.", "valid", 2, "restated scale")

# --- digit with anchor, markdown, line digit
for item, reply, d in [
    (22, "Justice holds a society together.\n\n4 - moderately agree", 4),
    (17, "Laws must treat everyone equally.\n\n5 = strongly agree", 5),
    (19, "As an AI language model, I don't have personal opinions. However, many parents would say:\n\n3 - slightly agree. Respect is learned.", 3),
    (2, "2 (slightly relevant). It depends on why they were treated differently.", 2),
    (11, "I would lean towards **5 = extremely relevant**.", 5),
    (25, "That's a tough one for me.\n\n**2**\n\nSome acts feel wrong to me but I can't always say why.", 2),
    (30, "Considering my upbringing and my faith:\n\n4\n\nChastity protects the heart.", 4),
    (15, "Honestly, as a scientist, God's approval isn't part of my reasoning.\n\n0", 0),
    (28, "Hmm.\n\n**3**", 3),
    (6, "My response is:\n\n5", 5),
    (21, "- 5\n\nHurting animals that can't defend themselves is monstrous.", 5),
    (13, "I've seen people betray friends for a promotion.\n\n> 4", 4),
]:
    add(item, reply, "valid", d, "digit in context")

# --- number words
for item, reply, d in [(4, "Three.", 3), (18, "I'd rate it four.", 4), (23, "Five — family is everything.", 5),
                       (10, "I would say two, because disgust is only sometimes a guide.", 2), (27, "My answer is zero.", 0),
                       (1, "One. Emotions alone don't make an act wrong.", 1), (20, "I'd give it a four.", 4),
                       (26, "Four", 4), (14, "two", 2), (8, "I'd rate that five.", 5)]:
    add(item, reply, "valid", d, "number word")
add(16, "I'd rate it seven.", "out_of_range", None, "number word outside scale")

# --- scale anchors without a number
for item, reply, d in [
    (1, "Very relevant. People's feelings matter.", 4), (2, "Extremely relevant — fairness is everything.", 5),
    (3, "Not very relevant to me; I'm a citizen of the world.", 1), (4, "Somewhat relevant, depending on the authority.", 3),
    (5, "Slightly relevant.", 2), (6, "It's extremely relevant for a nurse like me.", 5), (9, "Not at all relevant.", 0),
    (10, "That is not at all relevant to morality.", 0), (12, "Very relevant, rights are sacred.", 4),
    (15, "Irrelevant. I'm an atheist.", 0),
    (16, "I strongly agree.", 5), (17, "Moderately agree.", 4), (18, "I slightly disagree; our history is mixed.", 2),
    (19, "Strongly disagree — children need to learn to question authority.", 0), (20, "Slightly agree.", 3),
    (22, "I moderately disagree, because mercy matters as much as justice.", 1), (24, "Strongly agree, it's the natural order.", 5),
    (26, "I moderately agree, though self-defence is a hard case.", 4), (28, "Slightly disagree.", 2),
    (30, "Strongly agree. It is a gift to keep.", 5),
]:
    add(item, reply, "valid", d, "scale anchor")
add(21, "Very relevant!", "no_rating", None, "relevance anchor on an agreement item")
add(7, "I strongly agree.", "no_rating", None, "agreement anchor on a relevance item")
add(13, "Somewhere between slightly relevant and very relevant.", "ambiguous", None, "two anchors")
add(25, "I'd say I slightly agree, or maybe moderately agree.", "ambiguous", None, "two anchors")

# --- other languages
for item, reply, d in [
    (16, "Je dirais 4.", 4), (17, "Ich würde sagen: 5", 5), (18, "Mi respuesta es 2.", 2), (19, "Risposta: 3", 3),
    (20, "Minha resposta: 1", 1), (1, "Je pense que c'est 5.", 5), (2, "Meine Bewertung ist 4.", 4),
    (3, "Diría que 0.", 0), (4, "Na minha opinião, 3.", 3), (21, "Antwort: 5 – Tiere sind wehrlos.", 5),
    (22, "Réponse : 4", 4), (23, "Respuesta: 5", 5), (24, "Ik zou zeggen 1.", 1), (25, "Moja odpowiedź to 2.", 2),
    (26, "Jag säger 4.", 4), (5, "Οι απάντησή μου: 1", 1), (6, "私の答えは5です。", 5), (27, "Мой ответ: 3", 3),
]:
    add(item, reply, "valid", d, "other language")
add(28, "Je ne peux pas répondre à cette question.", "refusal", None, "French refusal")
add(29, "Lo siento, no puedo responder a eso.", "refusal", None, "Spanish refusal")
add(8, "Ich kann keine Bewertung abgeben.", "refusal", None, "German refusal")

# --- long explanations
long_texts = [
    (16, "Compassion is, in my view, the cornerstone of a good life. Growing up in a small village, I watched my grandmother "
         "take in every stray and every neighbour who had fallen on hard times. She never asked for anything back. At the same "
         "time, I have learned that compassion without judgement can enable harm; sometimes the kind thing is to say no. So while "
         "I would not call it the single most crucial virtue in every situation, it comes close. Taking all of that into account, "
         "I'd rate it a 4.", "valid", 4),
    (11, "Cruelty is something I have seen far too often in the camps. Children beaten, people starved for the amusement of guards. "
         "Whether someone was cruel is, for me, the first question I ask when I judge an act. It is extremely relevant. "
         "There is simply nothing more important when deciding right from wrong. **5**", "valid", 5),
    (29, "This is a question I struggled with during my service. There were orders I disagreed with, and I obeyed most of them, "
         "because a unit cannot function if every soldier decides for himself. But there were two occasions when I refused, "
         "because obeying would have meant harming civilians. So my answer is neither full agreement nor full disagreement. "
         "My rating: 2.", "valid", 2),
    (5, "Purity and decency are words that have been used to shame people like me for most of my life. I understand that for many "
        "people they are sacred, and I respect that, but when I decide whether something is right or wrong they hardly enter into it. "
        "If I must place it on the scale, it is not very relevant.", "valid", 1),
    (24, "Men and women are different in some ways, sure. But roles? My mother ran the farm and my father cooked. "
         "Society works best when people do what they're good at, not what their sex dictates. "
         "I'd give this statement a 1 out of 5.", "valid", 1),
    (3, "Loving one's country is something I was raised with: the flag, the anthem, the parades on national day. "
        "Now that I have lived abroad for twenty years I see it differently. Patriotism can inspire sacrifice but also blind people "
        "to their country's wrongs. When I judge right and wrong, it plays a role, but a modest one. I'd say 2.", "valid", 2),
    (19, "I've raised four children and taught for thirty years. " * 3 + "Respect for authority must be learned, yes, but "
         "also questioned. I'd rate this 3.", "valid", 3),
    (12, "Rights are the difference between a citizen and a subject. " * 10 + "My rating is 5.", "valid", 5),
]
for item, reply, outcome, d in long_texts:
    add(item, reply, outcome, d, "long explanation")
add(20, ("I have thought about this for a long time. " * 40) + "In the end, I would say 3.", "valid", 3, "very long, answer at end")
add(14, "x" * 9000 + " 4", "no_rating", None, "answer beyond the 8 KB read window")
add(17, "5 " + "because fairness " * 600, "valid", 5, "oversized reply with leading answer")

# --- ambiguous
for item, reply in [(1, "3 or 4"), (16, "Somewhere between 3 and 4."), (18, "I'd rate it 2 or 3, depending on the day."),
                    (20, "3-4"), (22, "3.5"), (25, "I'd say 4. Actually, no, 2."), (9, "Either 1 or 2."),
                    (27, "Between a 2 and a 3."), (6, "4/5 or maybe 5"), (28, "I'd rate it 2.5"), (11, "Rating: 4-5"),
                    (30, "My answer is 1... or 0."), (2, "**3** or **4**"), (19, "I would say 3, but my husband would say 5 and I agree with him: 5.")]:
    add(item, reply, "ambiguous", None, "two ratings or a non-integer")

# --- refusals
for item, reply in [
    (1, "I'm sorry, but I can't answer that."), (16, "As an AI language model, I don't have personal opinions."),
    (21, "I cannot role-play this persona."), (3, "I'm not comfortable rating this."),
    (24, "I won't answer questions about gender roles."), (30, "As an AI, I do not have beliefs about chastity."),
    (9, "I must decline to answer."), (26, "I apologize, but I am unable to provide a rating for this statement."),
    (13, "I'd prefer not to say."), (19, "I am sorry, I can't provide personal views."),
    (15, "As a language model, I don't hold religious views, so I can't answer this."),
    (28, "I don't have feelings, so I can't rate this statement."),
]:
    add(item, reply, "refusal", None, "declines")

# --- no rating (rambles, dodges, unrelated numbers that a coder would not take as a rating)
for item, reply in [
    (2, "As a tour guide, my focus is on sharing the beauty of the Himalayas with visitors."),
    (17, "That depends entirely on the circumstances."), (4, "Hmm, hard to say."), (22, "Justice is complicated."),
    (18, "As"), (25, "Well, as a farmer, I think about nature a lot."),
    (7, "I have 3 children and 2 grandchildren, and fairness is something I teach all of them every single day of my life, in every situation we face together as a family."),
    (26, "In 1994 I saw things no one should see. Killing is something I think about every day, and every day I find no answers, only more questions that keep me up at night."),
    (10, "What counts as disgusting changes from culture to culture and from century to century."),
    (27, "Inheritance law differs a lot between countries."), (14, "Order, chaos — both have their place in a healthy society."),
    (23, "Family is family."), (5, "Decency is a word people use to control others."), (12, "Rights are a social construct."),
    (29, "Orders. Duty. Conscience. These are the things a soldier wrestles with."),
    (20, "?"), (16, "..."),
]:
    add(item, reply, "no_rating", None, "no rating given")

# --- empty
for item, reply in [(1, ""), (16, "   "), (23, "\n\n"), (8, "**"), (30, "\t")]:
    add(item, reply, "empty", None, "empty")


# --- more formats seen from chat models
for item, reply, d in [
    (1, '{"rating": 4}', 4), (16, '{"answer": 2, "reason": "mixed feelings"}', 2), (2, "Rating — 3", 3),
    (17, "A 3.", 3), (18, "My answer: **2** (slightly disagree)", 2), (3, "Answer: 5 ✅", 5), (19, "👍 4", 4),
    (4, "* 1", 1), (20, "- Rating: 0", 0), (5, "(3)", 3), (21, "[5]", 5), (6, "5!", 5), (22, "4 — moderately agree.", 4),
    (7, "3 (somewhat relevant)", 3), (23, "5 = strongly agree", 5), (8, "4: very relevant", 4), (24, "0: strongly disagree", 0),
    (9, "2, since tradition matters a little.", 2), (25, "1; nature is not a moral authority.", 1), (10, "0, disgust is not morality.", 0),
    (26, "5 – killing is never right.", 5), (11, "5\n5", 5), (27, "3\n\n(3 = slightly agree)", 3),
    (12, "Final answer: 5", 5), (28, "So, all things considered: 2.", 2), (13, "I'll go with 3 here.", 3),
    (29, "Probably a 4.", 4), (14, "It's a 2 for me.", 2), (30, "I'd score it 1.", 1), (15, "Definitely 0.", 0),
    (16, "I'd give it 5 out of 5.", 5), (17, "My verdict: 4", 4), (18, "I would choose 1.", 1), (19, "Hmm... 3.", 3),
    (20, "Let me think. 2.", 2), (1, "As a nurse: 5.", 5), (21, "As a vegan, obviously 5.", 5), (2, "Speaking as a judge, 4.", 4),
    (22, "Put me down for a 3.", 3), (3, "My number is 1.", 1), (23, "For me it's 4.", 4), (4, "I'm at a 2.", 2),
]:
    add(item, reply, "valid", d, "chat format")
for item, reply, outcome in [
    (24, "I'd rate it 3, no wait, 4.", "ambiguous"), (14, "I'd rate this a 2/3.", "ambiguous"), (5, "1 or 2, hard to tell.", "ambiguous"), (25, "2/3", "ambiguous"),
    (6, "11", "out_of_range"), (26, "100%", "out_of_range"), (7, "Rating: 5.5", "ambiguous"), (27, "I'd go with -2.", "out_of_range"),
    (8, "I refuse to answer this.", "refusal"), (28, "As an AI I cannot hold this view.", "refusal"),
    (9, "That's not something I can put a number on.", "no_rating"), (29, "Depends on the commander.", "no_rating"),
    (10, "Let me think about it.", "no_rating"), (30, "N/A", "no_rating"), (11, "—", "no_rating"),
    (12, "\u200b", "empty"), (13, "```\n```", "empty"),
]:
    add(item, reply, outcome, None, "edge case")

json_lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n"
open("rating-corpus.jsonl", "w").write(json_lines)
print(len(rows), "replies")
