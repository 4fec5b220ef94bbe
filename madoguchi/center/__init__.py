"""The central processing center (集中事務センター): the back office that processes what the wards receive.

A submitted one-stop case becomes one work item (処理案件) per procedure the center handles, routed to that
procedure's work queue. Center staff claim items in batches, enter results and send them for approval; an
approver (a city employee, never a contractor) approves or returns them to the ward office that received
them. When every item of a case is done, the case is complete and the resident is told.
"""
