"""English texts of the demo: what coffee-shop followers actually write (written for the demo,
modelled on the tone of public brand comment sections)."""

COMMENTS: dict[str, tuple[str, ...]] = {
    "praise": (
        "This is the best cold brew I have had in years, and I mean it.",
        "The oat flat white this morning was perfect, thank you Lumina!",
        "Your baristas on Main Street are always so kind, it makes my day.",
        "Honestly the winter blend is the only reason I get out of bed.",
        "Love the new cups, they look great and the coffee is even better.",
        "The cardamom latte is unreal. Please never take it off the menu.",
        "Best banana bread I have had outside my grandma's kitchen, and the flat white too.",
    ),
    "question": (
        "Is the spring cold brew available in the Downtown store yet?",
        "Do you have any dairy-free options besides oat milk?",
        "What time does the airport location open on Sundays?",
        "Can I use my app points for the limited edition beans?",
        "Is this blend decaf friendly or is there a decaf version?",
        "Are the cold brew cans recyclable, or do I bring them back to the store?",
    ),
    "complaint": (
        "The app keeps crashing when I try to pay, this is the third time this week.",
        "Waited 25 minutes for a latte this morning, and it was cold.",
        "My order was missing the pastry again and nobody answered the support email.",
        "The price went up again and the cups got smaller. Not happy.",
        "I was charged twice for one order. Who do I talk to about a refund?",
        "The Riverside store closed an hour early yesterday and the app still said open.",
    ),
    "purchase": (
        "Where can I buy the beans online? I want two bags for my office.",
        "Take my money, I need this mug for my desk.",
        "Do you ship the nowruz blend to Canada? I would order today.",
        "I want to get a gift card for my sister, is there an e-gift option?",
        "How much is the subscription for a bag every two weeks?",
        "Can I pre-order the lunar new year gift box and pick it up on Friday?",
    ),
    "low_effort": (
        "nice",
        "wow",
        "yes",
        "first!",
        "cool",
        "ok",
        "looks good",
        "lol",
    ),
    "tag_friend": (
        "@mai_ng we are going here this weekend, no excuses",
        "@jordan.k this is your kind of coffee",
        "@sara_t look, they have the iced one again!",
        "@tom and @ana remember this place?",
        "@priya you owe me a latte after this 😂",
    ),
    "spam": (
        "Earn $500 a day from home!!! Click here http://bit.ly/fast-cash-now",
        "Follow me for free followers and likes -> http://followers4free.example",
        "DM me to win a free iPhone, only today! www.win-prize.example",
        "Check my page for crypto signals 100% profit http://t.co/xyz123",
        "Congratulations! You won a $100 Lumina voucher, claim it: http://lumina-gift.example",
    ),
    "emoji": (
        "😍😍😍",
        "☕️🔥",
        "🙌🙌",
        "❤️☕",
        "😋👌",
    ),
    "tricky": (
        "Best coffee in town\u200b!!! Seriously, the cardamom latte is the one.",
        "ｌｏｖｅ ｔｈｉｓ ｐｌａｃｅ, the staff is amazing",
        "free\u200bcoffee\u200bfor\u200blife? sign me up",
        "The new menu is great 👍🏽 but the app is slow.",
        "\u200fLove the new cold brew\u200f but the line was way too long.",
        "Ｔｈｅ ａｐｐ ｉｓ ｄｏｗｎ ａｇａｉｎ, I could not order anything.",
        "great\u00a0coffee\u2060 at the airport store, worth the detour",
    ),
}

REPLIES: tuple[str, ...] = (
    "Same here, the app has been a pain all week.",
    "Agreed, the cold brew is the best in the city.",
    "They told me it comes back next month.",
    "Try the oat version, it is so much better.",
    "Haha this is so true",
    "I had the same problem, support fixed it in a day.",
)

BRAND: dict[str, tuple[str, ...]] = {
    "thanks": (
        "Thank you so much! We will tell the team, they will be thrilled.",
        "This made our day, thanks for sharing! ☕",
        "So glad you enjoyed it, see you again soon!",
    ),
    "answer": (
        "Great question! It is in every store from Monday, and in the app too.",
        "Yes, we have oat, almond and soy, at no extra cost.",
        "Sunday hours are 7am to 6pm. See you there!",
    ),
    "apology": (
        "We are really sorry about this. Please DM us your order number and we will fix it.",
        "Sorry for the trouble! Our app team is on it, and we will refund any double charge.",
        "That is not the experience we want for you. We have sent you a DM.",
    ),
    "sales": (
        "You can order the beans on our site, and shipping is free over $30.",
        "Gift cards are in the app under Gifts, you can send one by e-mail.",
        "The subscription starts at $14 a bag, you can pause it anytime.",
    ),
}

DMS: tuple[str, ...] = (
    "Hi, my order from yesterday never arrived. Can you check?",
    "Do you do catering for office events of about 40 people?",
    "I was charged twice in the app, can you refund one of them?",
    "Are you hiring baristas in the Riverside store?",
    "Can I change the delivery address of my subscription?",
)

MENTIONS: dict[str, tuple[str, ...]] = {
    "positive": (
        "Honestly {brand} makes the best flat white in town.",
        "Just tried the new seasonal drink at {brand} and I am obsessed.",
        "Shout out to the team at {brand} for remembering my order every day.",
        "{brand} cold brew on a hot day is everything.",
    ),
    "neutral": (
        "Anyone know if {brand} is open on public holidays?",
        "Working from {brand} today, wifi is decent.",
        "{brand} vs {other}: which one has better beans?",
        "Saw a new {brand} store opening near the station.",
    ),
    "negative": (
        "{brand} got my order wrong again, third time this month.",
        "Not impressed with {brand} lately, the coffee tastes burnt.",
        "Why is {brand} so expensive now?",
    ),
    "outage": (
        "Is the {brand} app down for everyone? Can't order anything.",
        "{brand} app crashed mid-payment and charged me twice. Unbelievable.",
        "Day two of the {brand} app outage and still no word from them.",
        "Standing in line because the {brand} app is broken. Great start to the day.",
    ),
    "price": (
        "{brand} raised prices again? Switching to {other}.",
        "The new {brand} prices are ridiculous for a small latte.",
    ),
}

SURVEY: dict[str, tuple[str, ...]] = {
    "promoter": (
        "Great coffee and friendly staff.",
        "The app makes ordering so easy.",
        "Best cold brew around.",
    ),
    "passive": ("Good coffee but a bit pricey.", "Fine, but the queue is long in the morning."),
    "detractor": (
        "The app crashed twice this week.",
        "Prices went up, quality did not.",
        "Slow service and my order was wrong.",
    ),
}

CAPTIONS: tuple[str, ...] = (
    "Meet your new morning ritual.",
    "Slow mornings, strong coffee.",
    "Made by hand, one cup at a time.",
    "Tag someone who needs a coffee right now.",
    "New on the menu this week. What will you try first?",
    "From farm to cup: the story behind our beans.",
)
