"""What people say in demo conversations: topics, customer lines and the agent's building blocks.

Placeholders filled by the generator: {first} (customer's first name), {order} (order number),
{product}, {agent} (agent's first name), {eta} (a promised time frame). Canned replies contain no
placeholder on purpose: they are the same text for every customer (what template detection finds).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Topic:
    key: str
    subject: str
    tags: tuple[str, ...]
    went_wrong: bool  # something the company did wrong: an apology is due
    anger_rate: float
    weight: float
    calm: tuple[str, ...]
    angry: tuple[str, ...]
    detail: tuple[str, ...]  # the customer's follow-up with specifics
    solutions: tuple[str, ...]  # concrete fix, referring to the specifics
    generic_solutions: tuple[str, ...]  # concrete fix without the specifics
    choices: str  # offering options ("" where only one fix exists)
    choice_answers: tuple[str, ...]
    escalation: str  # follow-up / escalation with an owner and a time
    canned: str  # the verbatim template canned agents paste


TOPICS: tuple[Topic, ...] = (
    Topic(
        key="delivery_late",
        subject="Where is my order {order}?",
        tags=("delivery", "late-delivery"),
        went_wrong=True,
        anger_rate=0.5,
        weight=1.4,
        calm=(
            "Hi, my order {order} was due on Tuesday but it still hasn't arrived. Could you check where it is?",
            "Hello, I ordered the {product} last week and the tracking hasn't moved for four days.",
            "Hi there, just wondering about the delivery of order {order}, it's a few days late.",
        ),
        angry=(
            "This is ridiculous. Order {order} is a week late and nobody tells me anything!",
            "I've been waiting forever for my {product}. Third time I'm contacting you. Where is it?!",
            "Absolutely fed up. The tracking for {order} has said 'in transit' for 9 days. Terrible service.",
        ),
        detail=(
            "The order number is {order}, it's the {product}.",
            "It's {order}. I paid for express delivery too.",
            "Order {order}. I need it before the weekend.",
        ),
        solutions=(
            "I checked order {order}: the parcel with your {product} was held at the regional depot. I've asked the courier to redeliver it and upgraded it to next-day delivery at no cost.",
            "Your {product} (order {order}) was sent to the wrong depot. I've booked a priority redelivery and refunded the express shipping fee to your card.",
        ),
        generic_solutions=(
            "The parcel was held at the depot. I've booked a priority redelivery and refunded the shipping fee.",
        ),
        choices="I can either send a replacement today by express, or cancel the order and refund you in full. Which would you prefer?",
        choice_answers=("The replacement please.", "Just refund me please."),
        escalation="I've escalated this to our logistics team and I'll email you an update {eta} myself.",
        canned="Thank you for contacting us about your delivery. Deliveries can take up to 10 working days. Please check the tracking link in your confirmation email for updates.",
    ),
    Topic(
        key="wrong_item",
        subject="Wrong item received ({order})",
        tags=("orders", "wrong-item"),
        went_wrong=True,
        anger_rate=0.45,
        weight=1.0,
        calm=(
            "Hello, I received my order {order} today but the box contains the wrong item instead of the {product}.",
            "Hi, there's been a mix-up: I ordered the {product} and got something completely different.",
        ),
        angry=(
            "You sent me the WRONG item. I ordered the {product}. How hard can it be?",
            "Unbelievable. Order {order} arrived and it's not even what I ordered. I want this fixed now.",
        ),
        detail=(
            "It's order {order}. I received a different colour and size.",
            "Order {order} — I have photos if you need them.",
        ),
        solutions=(
            "I've arranged for the correct {product} to be sent out today on order {order}, and a free return label for the wrong item is on its way to your inbox.",
            "I've created a replacement for order {order}: the right {product} ships today, and the courier will collect the wrong item when they deliver it.",
        ),
        generic_solutions=(
            "I've sent out the correct item today and emailed you a free return label for the wrong one.",
        ),
        choices="Would you like the correct item sent as a replacement, or would you rather keep it at 30% off, or return it for a full refund?",
        choice_answers=("Replacement please.", "I'll take the refund."),
        escalation="I've passed this to our warehouse team so it doesn't happen again, and I'll follow up {eta}.",
        canned="We are sorry to hear there was an issue with your order. Please fill in the returns form on our website and our team will process your request.",
    ),
    Topic(
        key="double_charge",
        subject="Charged twice",
        tags=("billing", "double-charge"),
        went_wrong=True,
        anger_rate=0.5,
        weight=1.0,
        calm=(
            "Hi, I think I've been charged twice for order {order}. Can you check?",
            "Hello, my bank statement shows two payments for the {product}.",
        ),
        angry=(
            "You charged my card TWICE for {order}. I want my money back immediately.",
            "Why have I been billed twice?? This is the second time this happens. Sort it out.",
        ),
        detail=(
            "Both charges are for order {order}, same amount, same day.",
            "It's order {order}; the second charge appeared yesterday.",
        ),
        solutions=(
            "I can see the duplicate payment on order {order}. I've refunded the second charge for the {product} to your card.",
            "You're right: order {order} was charged twice because of a payment retry. I've reversed the duplicate charge.",
        ),
        generic_solutions=(
            "I've found the duplicate payment and refunded the second charge to your card.",
        ),
        choices="I can refund the duplicate to your card, or keep it as store credit with an extra 10% on top. Which would you prefer?",
        choice_answers=("Card please.", "Store credit is fine."),
        escalation="I've raised this with our payments team and will confirm the reversal {eta}.",
        canned="Thank you for your message regarding billing. Please allow 5-10 business days for any pending transactions to clear before contacting us again.",
    ),
    Topic(
        key="refund_status",
        subject="Refund not received for {order}",
        tags=("refunds",),
        went_wrong=True,
        anger_rate=0.45,
        weight=1.1,
        calm=(
            "Hi, I returned the {product} two weeks ago and haven't had my refund yet.",
            "Hello, could you tell me the status of the refund for order {order}?",
        ),
        angry=(
            "I returned {order} THREE weeks ago and still no refund. This is theft.",
            "Where is my refund? You got your {product} back ages ago. Disgraceful.",
        ),
        detail=(
            "The return was for order {order}; I have the drop-off receipt.",
            "Order {order}, returned at the post office on the 3rd.",
        ),
        solutions=(
            "Your return for order {order} arrived but the refund was stuck in a manual check. I've released it just now: the full amount for the {product} goes back to your card.",
            "I've processed the refund for order {order} ({product}) myself and sent you the confirmation by email.",
        ),
        generic_solutions=(
            "The refund was stuck in a manual check; I've released it to your card now.",
        ),
        choices="",
        choice_answers=(),
        escalation="I've flagged this with our finance team and will check back with you {eta}.",
        canned="Refunds are processed within 14 days of receiving your return. Thank you for your patience.",
    ),
    Topic(
        key="login",
        subject="Can't log in to my account",
        tags=("account", "login"),
        went_wrong=False,
        anger_rate=0.3,
        weight=1.0,
        calm=(
            "Hi, I can't log in to my account, it keeps saying my password is wrong.",
            "Hello, the password reset email never arrives. Can you help me get into my account?",
        ),
        angry=(
            "Your website won't let me log in and the reset link is broken. Useless!",
            "I've tried to reset my password five times now. Nothing works. So annoying.",
        ),
        detail=(
            "It's the account I used for order {order}.",
            "The email on the account is the one I used for my {product} order.",
        ),
        solutions=(
            "Your account (the one with order {order}) was locked after several attempts. I've unlocked it and sent a fresh reset link, valid for 30 minutes.",
            "I've unlocked your account and reset the login. The reset email was going to your spam folder, so I've re-sent it from our new address.",
        ),
        generic_solutions=("I've unlocked your account and sent a new password reset link.",),
        choices="I can send the reset link by email again, or text you a one-time code instead. Which would you prefer?",
        choice_answers=("Text me the code please.", "Email is fine."),
        escalation="I've reported the reset email problem to our web team and will let you know {eta}.",
        canned="To reset your password, please click 'Forgot password' on the login page and follow the instructions.",
    ),
    Topic(
        key="product_question",
        subject="Question about the {product}",
        tags=("pre-sales", "product-question"),
        went_wrong=False,
        anger_rate=0.03,
        weight=1.0,
        calm=(
            "Hi! Does the {product} come with a warranty?",
            "Hello, quick question: is the {product} suitable for outdoor use?",
            "Hi, can I use the {product} I bought (order {order}) abroad?",
        ),
        angry=("The manual for the {product} makes no sense at all. What a waste of time.",),
        detail=(
            "I bought it last month, order {order}.",
            "Just want to be sure before I order a second {product}.",
        ),
        solutions=(
            "Good question! The {product} has a 2-year warranty, and you can register it under order {order} on your account page.",
            "Yes, the {product} works fine outdoors and abroad; the warranty for order {order} covers it too.",
        ),
        generic_solutions=("Yes, it's covered by a 2-year warranty and works abroad too.",),
        choices="",
        choice_answers=(),
        escalation="I've asked our product specialists for the exact spec and will get back to you {eta}.",
        canned="Thank you for your interest in our products. Please see the product page for full specifications.",
    ),
    Topic(
        key="cancel_subscription",
        subject="Cancel my subscription",
        tags=("billing", "cancellation"),
        went_wrong=False,
        anger_rate=0.25,
        weight=0.7,
        calm=(
            "Hi, I'd like to cancel my monthly subscription please.",
            "Hello, how do I stop the monthly coffee subscription?",
        ),
        angry=(
            "I've tried to cancel online three times. Stop charging me!",
            "Cancel my subscription NOW. Your cancel button doesn't work.",
        ),
        detail=(
            "The subscription started with order {order}.",
            "It's linked to my first order, {order}.",
        ),
        solutions=(
            "I've cancelled the subscription that started with order {order}; you won't be charged again, and you'll keep access until the end of this month.",
            "Done: your subscription from order {order} is cancelled and I've refunded this month's charge.",
        ),
        generic_solutions=("I've cancelled the subscription; you won't be charged again.",),
        choices="I can cancel it today, or pause it for up to three months if you'd like to keep your discount. Which would you prefer?",
        choice_answers=("Cancel it please.", "A pause sounds good actually."),
        escalation="I've asked billing to confirm there are no pending charges and will update you {eta}.",
        canned="To cancel your subscription, please go to My Account > Subscriptions and click Cancel.",
    ),
    Topic(
        key="damaged_item",
        subject="Damaged item ({order})",
        tags=("orders", "damaged"),
        went_wrong=True,
        anger_rate=0.45,
        weight=0.8,
        calm=(
            "Hi, my {product} arrived damaged, the box was crushed.",
            "Hello, unfortunately the {product} from order {order} is broken.",
        ),
        angry=(
            "The {product} arrived smashed to pieces. I paid good money for this!",
            "Order {order} arrived broken. Second time. Do you even check what you send?",
        ),
        detail=(
            "Order {order}. I've kept the packaging.",
            "It's order {order}, the {product}. Photos attached.",
        ),
        solutions=(
            "I've sent a new {product} for order {order} by express today; no need to send the damaged one back.",
            "A replacement {product} is on its way (order {order}) and I've added a free return label in case you want to send back the broken one.",
        ),
        generic_solutions=(
            "I've sent a replacement by express today; you can keep the damaged one.",
        ),
        choices="I can send a replacement by express, or refund you in full straight away. Which would you prefer?",
        choice_answers=("A replacement please.", "A refund please."),
        escalation="I've reported the damage to the courier and will let you know the outcome {eta}.",
        canned="We are sorry your item arrived damaged. Please complete the damage report form on our website within 14 days.",
    ),
)

ETAS = ("within 2 business days", "by Friday", "within 24 hours", "by tomorrow evening",
        "within 3-5 business days")  # fmt: skip
EXPECTATIONS = (
    "You should see it within 3-5 business days.",
    "You'll get a confirmation email within the next hour.",
    "It will reach you within 2 business days.",
    "Expect the update by tomorrow at the latest.",
)

# First agent turn.
GREETINGS_NAMED = {
    "chat": ("Hi {first}, thanks for reaching out!", "Hello {first}, thank you for waiting.",
             "Hi {first}! Thanks for getting in touch."),
    "email": ("Dear {first},", "Hello {first},", "Hi {first},"),
    "phone": ("Thank you for calling, {first}. My name is {agent}.", "Hi {first}, this is {agent}, thanks for calling."),
    "social": ("Hi {first}, thanks for your message.", "Hey {first}! Thanks for reaching out."),
}  # fmt: skip
GREETINGS_PLAIN = {
    "chat": ("Hi there, thanks for contacting us.", "Hello, thanks for reaching out."),
    "email": ("Dear customer,", "Hello,"),
    "phone": ("Thank you for calling Cornerstone, my name is {agent}.", "Customer service, {agent} speaking."),
    "social": ("Hi there, thanks for your message.", "Hello!"),
}  # fmt: skip
FEELINGS = (
    "I can hear how frustrating this has been for you.",
    "I completely understand why you're upset, and I'd feel the same.",
    "I'm sorry you've had such a stressful experience; I understand how annoying this must be.",
    "That sounds really frustrating, and I appreciate your patience.",
)
APOLOGIES = (
    "I'm really sorry about this.",
    "I sincerely apologise for the trouble this has caused.",
    "I'm so sorry this happened.",
    "Please accept my apologies for the inconvenience.",
)
ORDER_REFERENCE = (
    "I've pulled up order {order} for the {product}.",
    "I can see your order {order} ({product}) here.",
    "I'm looking at order {order} on your account now.",
)
NAME_ONLY = (
    "Thanks, {first}.",
    "{first}, thanks for your message.",
    "Thanks for explaining, {first}.",
)
EXPLORE = (
    "Can you tell me a bit more about what happened?",
    "How has this affected you so far?",
    "Could you walk me through what you've tried?",
)
ACKNOWLEDGE = (
    "Let me look into this for you right away.",
    "I'll check this for you now.",
    "I'm on it: give me a moment to look at your account.",
    "I'm happy to help with this; let me take a look.",
)
ASK_DETAIL = (
    "Could you give me your order number?",
    "Can you confirm which order this is about?",
    "What's the order number, please?",
)
BLAME = (
    "You should have checked the tracking page before contacting us.",
    "This is because you entered the wrong details when you ordered.",
    "If you had read the instructions you would know this.",
    "That's your mistake, not ours.",
)
SHOUTING = (
    "PLEASE READ WHAT I WROTE.",
    "AS I ALREADY SAID, THERE IS NOTHING ELSE I CAN DO.",
    "I TOLD YOU TO CHECK YOUR EMAIL.",
)
PROFANITY = (
    "This damn system never works.",
    "Honestly this crap happens all the time.",
    "The bloody courier messed it up again.",
    "Are you deaf? I already told you that.",  # aimed at the customer: the critical auto-fail
)
CURT = ("Checking.", "Ok.", "Wait.", "Noted.")
HOLD = (
    "Thanks, one moment please.",
    "Thank you, checking that now.",
    "Got it, bear with me a moment.",
)
VAGUE = (
    "We are looking into it.",
    "There's nothing more I can do from here.",
    "It should sort itself out eventually.",
    "I've passed it on.",
)
RAMBLING = (
    "so what normally happens in these situations is that the system goes through a number of checks and then depending on the outcome of those checks and the time of day and the carrier involved things can take a little longer than usual which is something we are always working on and hope to improve in the future as part of our wider programme of improvements",
    "and just to add some background, our processes involve several teams and each of them has its own queue and its own priorities, which means that requests sometimes travel between departments for a while before anyone is able to pick them up and give a definitive answer on what will happen next",
)
WARM = (
    "It's been a pleasure helping you.",
    "Thanks so much for your patience today.",
    "I'm glad I could help with this.",
)
CONFIRM = (
    "Is everything sorted on your side now?",
    "Does that solve the problem for you?",
    "Can you confirm that everything is working now?",
    "Has that resolved your issue?",
)
FEEDBACK = (
    "If you have a moment, please rate this conversation in the short survey that follows.",
    "We'd love your feedback: could you tell us how we did?",
    "How would you rate the help you got today? Your feedback helps us improve.",
)
CLOSINGS_NAMED = ("Have a lovely day, {first}!", "Take care, {first}.", "All the best, {first}!")
CLOSINGS_PLAIN = ("Have a great day!", "Take care.", "Thanks for contacting us, goodbye.")
EMAIL_SIGNOFF = "Kind regards,\n{agent}\nCornerstone Customer Care"

# Customer turns after the fix.
CUSTOMER_RESOLVED = (
    "Thank you so much, that's great!",
    "Brilliant, thanks for sorting that out.",
    "Perfect, really appreciate your help.",
    "Great, thanks a lot!",
)
CUSTOMER_UNRESOLVED = (
    "That doesn't help me at all.",
    "So nothing is going to happen? Unbelievable.",
    "I'm still waiting and nobody can tell me anything. Awful.",
    "This is useless. I'll take my business elsewhere.",
)
CUSTOMER_CONFIRMED = (
    "Yes, all sorted, thank you!",
    "Yes, it works now. Thanks!",
    "Yes, that's everything.",
)
CUSTOMER_NOT_CONFIRMED = ("No, not really.", "Not yet, but I'll wait I suppose.")
CUSTOMER_BYE = ("Thanks, bye.", "Ok.", "Cheers.")

CUSTOMER_ASKS_OPTIONS = (" What are my options?", " Is there another way to sort this?", "")

BOT_NAME = "Corny (virtual assistant)"
BOT_OPENERS = (
    "Hi! I'm Corny, Cornerstone's virtual assistant. What can I help you with today?",
    "Welcome to Cornerstone support! Tell me briefly what your question is about.",
)
BOT_CUSTOMER = ("agent", "talk to a human please", "I need help with an order", "billing")
BOT_HANDOVER = (
    "Thanks! I'm connecting you with one of our agents now.",
    "I'll transfer you to a member of our team. Typical wait: 2 minutes.",
)
SYSTEM_ASSIGNED = "Conversation assigned to {agent_full}"
SYSTEM_CLOSED = ("Conversation closed", "Ticket status changed to solved", "Call ended")
INTERNAL_NOTES = (
    "Internal note: customer has contacted us about this before; see previous ticket.",
    "Internal note: refund approved by supervisor, reference attached.",
    "Internal note: verified the customer's identity with the last four digits of the card.",
    "Internal note: possible fraud check on payment, cleared.",
)
